from articles.models import Article

SEED_TITLE = "New Sign-Ups And Registration In China Suspended By LinkedIn"


def test_migration_publishes_exactly_the_seed_article(db):
    article = Article.objects.published().get()
    assert article.title == SEED_TITLE
    assert len(article.paragraphs) == 11
    assert article.paragraphs[0].startswith("No new signups will be possible")
    assert article.paragraphs[-1].startswith("LinkedIn has been operational in China")
    assert "Adapted from" not in article.body
    assert (article.published_at.year, article.published_at.month) == (2021, 3)


def test_seed_text_is_published_as_written(db):
    # Copy is corrected by editors in the admin, not silently by the import.
    body = Article.objects.get().body
    assert "Whilke making the announcement" in body
    assert "no relation opt that hackling incident" in body
