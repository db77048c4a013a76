"""Field and model names in the editors' language (gettext): no change to the tables."""

import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import comments.models.moderation_log


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_names_translated"),
        ("comments", "0030_spam_classifier"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="ban",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "ban",
                "verbose_name_plural": "bans",
            },
        ),
        migrations.AlterModelOptions(
            name="comment",
            options={
                "ordering": ["created_at"],
                "verbose_name": "comment",
                "verbose_name_plural": "comments",
            },
        ),
        migrations.AlterModelOptions(
            name="moderationaction",
            options={
                "ordering": ["-created_at", "-id"],
                "verbose_name": "moderation action",
                "verbose_name_plural": "moderation actions",
            },
        ),
        migrations.AlterModelOptions(
            name="outboundmail",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "outbound mail",
                "verbose_name_plural": "outbound mails",
            },
        ),
        migrations.AlterModelOptions(
            name="subscription",
            options={
                "verbose_name": "subscription",
                "verbose_name_plural": "subscriptions",
            },
        ),
        migrations.AlterField(
            model_name="ban",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
        migrations.AlterField(
            model_name="ban",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="created by",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="effect",
            field=models.CharField(
                choices=[
                    ("spam", "Banned: comments go to spam"),
                    ("hold", "Always pre-moderated: comments are held"),
                ],
                db_default="spam",
                default="spam",
                max_length=10,
                verbose_name="effect",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="email",
            field=models.EmailField(blank=True, max_length=100, verbose_name="email"),
        ),
        migrations.AlterField(
            model_name="ban",
            name="kind",
            field=models.CharField(
                choices=[
                    ("account", "Account"),
                    ("email", "Email"),
                    ("ip", "IP address"),
                ],
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="ban",
            name="reason",
            field=models.CharField(max_length=255, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="article",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="comments",
                to="articles.article",
                verbose_name="article",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="body",
            field=models.TextField(max_length=65525, verbose_name="body"),
        ),
        migrations.AlterField(
            model_name="comment",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="created at",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="deleted_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="deleted at"
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="edited_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="edited at"
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="moderation_reason",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="moderation reason"
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="parent",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="replies",
                to="comments.comment",
                verbose_name="parent",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("spam", "Spam"),
                    ("removed", "Removed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="status_since",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="status since",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="comments",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="user_agent",
            field=models.CharField(
                blank=True, max_length=500, verbose_name="user agent"
            ),
        ),
        migrations.AlterField(
            model_name="discussionsettings",
            name="disallowed_words",
            field=models.TextField(
                blank=True,
                help_text="One word or phrase per line. A comment containing one in its body, name, email, website, IP or browser goes to spam.",
                verbose_name="disallowed words",
            ),
        ),
        migrations.AlterField(
            model_name="discussionsettings",
            name="moderation_words",
            field=models.TextField(
                blank=True,
                help_text="One word or phrase per line. A comment containing one in its body, name, email, website, IP or browser is held for moderation.",
                verbose_name="moderation words",
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="action",
            field=models.CharField(
                choices=comments.models.moderation_log.action_choices,
                max_length=20,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="changes",
            field=models.JSONField(blank=True, default=dict, verbose_name="changes"),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="comment",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="moderation_actions",
                to="comments.comment",
                verbose_name="comment",
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("spam", "Spam"),
                    ("removed", "Removed"),
                ],
                max_length=10,
                verbose_name="from status",
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="note",
            field=models.CharField(blank=True, max_length=255, verbose_name="note"),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("spam", "Spam"),
                    ("abuse", "Abuse or harassment"),
                    ("off_topic", "Off topic"),
                    ("other", "Other"),
                ],
                max_length=10,
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="moderationaction",
            name="to_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("pending", "Pending"),
                    ("approved", "Approved"),
                    ("spam", "Spam"),
                    ("removed", "Removed"),
                ],
                max_length=10,
                verbose_name="to status",
            ),
        ),
    ]
