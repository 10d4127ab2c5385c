# Written by hand for Django 5.2 / Wagtail 7.4 (issue 15: names that say what they mean)

from django.db import migrations, models

#: Old stored value of a need's status → new one, on needs and their history rows.
#: ``closed`` was never set by the plugin; it meant the same as ``done``, which it becomes
#: (going back, a ``done`` need stays ``done``: nothing tells the two apart any more).
NEED_STATUSES = {"qualified": "to_match", "matching": "awaiting_answers", "closed": "done"}


def _rename(apps, schema_editor, names):
    for model_name in ("Need", "HistoricalNeed"):
        manager = apps.get_model("wagtail_heurecivique", model_name).objects.using(schema_editor.connection.alias)
        for old, new in names.items():
            manager.filter(status=old).update(status=new)


def forwards(apps, schema_editor):
    """New status values; memberships of the ``referrer`` role, which granted nothing and
    was never checked, are deleted (their history rows stay, as the past they record)."""
    _rename(apps, schema_editor, NEED_STATUSES)
    membership = apps.get_model("wagtail_heurecivique", "CommuneMembership")
    membership.objects.using(schema_editor.connection.alias).filter(role="referrer").delete()


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, {new: old for old, new in NEED_STATUSES.items() if old != "closed"})


class Migration(migrations.Migration):

    dependencies = [
        ('wagtail_heurecivique', '0017_need_reference'),
    ]

    operations = [
        # The choices first (they are only Python-side), so that the rows can hold the new values.
        migrations.AlterField(
            model_name='communemembership',
            name='role',
            field=models.CharField(choices=[('referent', 'Référent'), ('editor', 'Editor / moderator')], max_length=20, verbose_name='role'),
        ),
        migrations.AlterField(
            model_name='historicalcommunemembership',
            name='role',
            field=models.CharField(choices=[('referent', 'Référent'), ('editor', 'Editor / moderator')], max_length=20, verbose_name='role'),
        ),
        migrations.AlterField(
            model_name='historicalneed',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('to_match', 'To be matched'), ('awaiting_answers', 'Awaiting answers'), ('planned', 'Planned'), ('done', 'Done'), ('refused', 'Refused'), ('redirected', 'Redirected'), ('cancelled', 'Cancelled')], db_index=True, default='new', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='need',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('to_match', 'To be matched'), ('awaiting_answers', 'Awaiting answers'), ('planned', 'Planned'), ('done', 'Done'), ('refused', 'Refused'), ('redirected', 'Redirected'), ('cancelled', 'Cancelled')], db_index=True, default='new', max_length=20, verbose_name='status'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
