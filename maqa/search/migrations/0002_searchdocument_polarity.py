"""The finding's polarity on its index row (the polarity filter then needs no join): the column,
then every trigger again in this version, and the index rebuilt."""

from typing import Any

from django.db import migrations, models


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    from maqa.search.schema import drop_sqlite_triggers

    drop_sqlite_triggers(schema_editor.connection)


def reinstall_index(apps: Any, schema_editor: Any) -> None:
    from maqa.search.schema import install

    install(schema_editor.connection, replace=True)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="searchdocument",
            name="polarity",
            field=models.CharField(blank=True, db_default="", max_length=10),
        ),
        migrations.RunPython(reinstall_index, migrations.RunPython.noop),
    ]
