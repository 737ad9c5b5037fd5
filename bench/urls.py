"""The product's URLs and one benchmark-only view: the framework floor."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from hoeksteen.urls import handler400  # noqa: F401
from hoeksteen.urls import urlpatterns as product_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    """The least a request through the full middleware stack costs."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor), *product_urlpatterns]
