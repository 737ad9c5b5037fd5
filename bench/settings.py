"""Settings for the benchmark server: the product's, plus the framework floor.

The floor view lives only here (bench/urls.py), never in the product's URLs.
"""

from hoeksteen.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
