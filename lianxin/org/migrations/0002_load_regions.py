from django.db import migrations


def forwards(apps, schema_editor):
    from lianxin.org.regions import load_regions

    load_regions(apps.get_model("org", "Region"))


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
