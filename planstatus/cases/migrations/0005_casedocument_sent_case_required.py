import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_archived_files_as_sent_cases")]

    operations = [
        migrations.AlterField(
            model_name="casedocument",
            name="sent_case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="documents",
                to="cases.sentcase",
                verbose_name="sent case",
            ),
        ),
    ]
