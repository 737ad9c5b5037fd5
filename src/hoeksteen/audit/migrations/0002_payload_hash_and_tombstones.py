from django.db import migrations, models


def relink(apps, schema_editor):
    """Before release the link formula changed (payload hash + link hash):
    recompute every chain in order, so trails of development installs verify."""
    from hoeksteen.audit.chain import GENESIS, link_hash, payload_hash

    AuditEntry = apps.get_model("audit", "AuditEntry")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    AuditCheckpoint = apps.get_model("audit", "AuditCheckpoint")
    AuditCheckpoint.objects.all().delete()
    for head in AuditChainHead.objects.all():
        prev = GENESIS
        for entry in AuditEntry.objects.filter(organisation_id=head.organisation_id).order_by("seq"):
            payload = payload_hash(
                actor_id=entry.actor_id,
                action=entry.action,
                object_type=entry.object_type,
                object_id=entry.object_id,
                detail=entry.detail,
                created_at=entry.created_at,
            )
            new = link_hash(
                organisation_id=entry.organisation_id,
                seq=entry.seq,
                payload_hash=payload,
                prev_hash=prev,
            )
            AuditEntry.objects.filter(pk=entry.pk).update(
                payload_hash=payload, prev_hash=prev, hash=new
            )
            prev = new
        AuditChainHead.objects.filter(pk=head.pk).update(hash=prev)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="payload_hash",
            field=models.CharField(default="", max_length=64, verbose_name="payload hash"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="tombstoned_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="tombstoned at"),
        ),
        migrations.RunPython(relink, migrations.RunPython.noop),
    ]
