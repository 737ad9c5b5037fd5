import django.utils.timezone
from django.db import migrations


def forwards(apps, schema_editor):
    from hoeksteen.organisations import defaults

    Organisation = apps.get_model("organisations", "Organisation")
    RoleDescription = apps.get_model("organisations", "RoleDescription")
    for organisation in Organisation.objects.all():
        if RoleDescription.objects.filter(organisation=organisation).exists():
            continue
        RoleDescription.objects.create(
            organisation=organisation,
            version=1,
            tasks=defaults.ROLE_TASKS,
            responsibilities=defaults.ROLE_RESPONSIBILITIES,
            limits=defaults.ROLE_LIMITS,
            first_conversation=defaults.FIRST_CONVERSATION,
            created_at=django.utils.timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_roledescription")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
