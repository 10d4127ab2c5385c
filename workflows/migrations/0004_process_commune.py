"""The commune of each process, as a column of its own: the inbox finds a commune's tasks by it.

Added empty, filled from each process's need or volunteer, then required.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_communes(apps, schema_editor):
    """Each existing process takes the commune of its need or volunteer."""
    for process_model, subject_model, subject in (
        ("NeedProcess", "Need", "need"),
        ("OnboardingProcess", "Volunteer", "volunteer"),
    ):
        processes = apps.get_model("heurecivique_workflows", process_model)
        subjects = apps.get_model("wagtail_heurecivique", subject_model)
        processes.objects.using(schema_editor.connection.alias).update(
            commune_id=Subquery(subjects.objects.filter(pk=OuterRef(f"{subject}_id")).values("commune_id")[:1])
        )


def commune_field(null):
    return models.ForeignKey(
        editable=False, null=null, on_delete=django.db.models.deletion.PROTECT, related_name="+",
        to="wagtail_heurecivique.commune", verbose_name="commune",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("heurecivique_workflows", "0003_withdrawn_onboarding"),
        ("wagtail_heurecivique", "0018_status_names"),
    ]

    operations = [
        migrations.AddField(model_name="needprocess", name="commune", field=commune_field(null=True)),
        migrations.AddField(model_name="onboardingprocess", name="commune", field=commune_field(null=True)),
        # Backwards, the columns go with the fields: nothing to undo here.
        migrations.RunPython(fill_communes, migrations.RunPython.noop),
        migrations.AlterField(model_name="needprocess", name="commune", field=commune_field(null=False)),
        migrations.AlterField(model_name="onboardingprocess", name="commune", field=commune_field(null=False)),
    ]
