"""
What the spam classifier learnt from moderators (comments.spam): the model every
app server and the worker read, kept in the database, one row per version; and
one lesson per comment a moderator decided, so a later decision on the same
comment corrects what it taught instead of teaching it twice.
"""

from django.db import models
from django.utils import timezone

from comments.models.comment import Comment


class SpamModelQuerySet(models.QuerySet["SpamModel"]):
    def current(self) -> "SpamModel | None":
        return self.order_by("-version").first()


class SpamModel(models.Model):
    """
    A version of the classifier: its counts (comments.spam.Classifier.dumps), and
    how many decisions taught it. Posting loads the version that the discussion
    settings row names (DiscussionSettings.spam_model_version), once per process.
    """

    version = models.BigAutoField(primary_key=True)
    data = models.BinaryField()
    decisions = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SpamModelQuerySet.as_manager()

    class Meta:
        verbose_name = "spam model"

    def __str__(self) -> str:
        return f"spam model {self.version} ({self.decisions} decisions)"


class SpamLesson(models.Model):
    """What a moderator's last decision on a comment taught: spam or not."""

    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    spam = models.BooleanField()
    learned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "spam lesson"

    def __str__(self) -> str:
        return f"comment {self.comment_id}: {'spam' if self.spam else 'not spam'}"
