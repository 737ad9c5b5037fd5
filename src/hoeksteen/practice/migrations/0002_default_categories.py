from django.db import migrations


def forwards(apps, schema_editor):
    from hoeksteen.practice.models import DEFAULT_CATEGORIES

    Organisation = apps.get_model("organisations", "Organisation")
    MeldingCategory = apps.get_model("practice", "MeldingCategory")
    for organisation in Organisation.objects.all():
        if MeldingCategory.objects.filter(organisation=organisation).exists():
            continue
        MeldingCategory.objects.bulk_create(
            MeldingCategory(organisation=organisation, key=key, name=name, position=position)
            for position, (key, name) in enumerate(DEFAULT_CATEGORIES)
        )


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial"), ("organisations", "0004_roledescription")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
