from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hoeksteen.core"
    label = "core"
