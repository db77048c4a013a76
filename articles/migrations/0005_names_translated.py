"""Field and model names in the editors' language (gettext): no change to the tables."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_purge_notifications"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published_at"],
                "verbose_name": "article",
                "verbose_name_plural": "articles",
            },
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                help_text="Paragraphs separated by a blank line.", verbose_name="body"
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="byline",
            field=models.CharField(blank=True, max_length=120, verbose_name="byline"),
        ),
        migrations.AlterField(
            model_name="article",
            name="comments_open",
            field=models.BooleanField(default=True, verbose_name="comments open"),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(
                help_text="The last part of the article's address.",
                max_length=200,
                unique=True,
                verbose_name="slug",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                db_index=True,
                default="draft",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="title",
            field=models.CharField(max_length=200, verbose_name="title"),
        ),
    ]
