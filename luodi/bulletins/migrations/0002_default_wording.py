"""The default wording of bulletins, in Chinese and English. The task-force
office may change it in the admin; this migration only adds what is missing."""

from django.db import migrations

from luodi.bulletins.wording import DEFAULTS

def add_defaults(apps, schema_editor):
    SentenceTemplate = apps.get_model("bulletins", "SentenceTemplate")
    for (key, language), text in DEFAULTS.items():
        SentenceTemplate.objects.get_or_create(key=key, language=language, defaults={"text": text})


class Migration(migrations.Migration):
    dependencies = [("bulletins", "0001_bulletins_and_wording")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
