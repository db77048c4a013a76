"""Publish the first article, the seed text, exactly as it was given."""

import datetime

from django.db import migrations

TITLE = "New Sign-Ups And Registration In China Suspended By LinkedIn"
SLUG = "new-sign-ups-and-registration-in-china-suspended-by-linkedin"
PUBLISHED_AT = datetime.datetime(2021, 3, 10, 9, 0, tzinfo=datetime.UTC)

PARAGRAPHS = [
    "No new signups will be possible for Chinese users of LinkedIn — one of the very few Western social media networks that is still allowed to operate in China. Whilke making the announcement, the company clarified that the decision had no relation to the recent cyberattack on its parent company Microsoft.",
    "A group of hackers known as Hafnium took advantage of flaws in Microsoft’s Exchange email service and was able to gain access to computers, the company had disclosed last week. The group was “assessed to be state-sponsored and operating out of China,” the company said.",
    "However the latest decision by LinkedIn had no relation opt that hackling incident, said a spokesperson of the platform. The company announced the suspension of new member sign-ups for LinkedIn China “as we work to ensure we remain in compliance with local law,” the social media platform which is used by professionals, said in a statement.",
    "“We’re a global platform with an obligation to respect the laws that apply to us, including adhering to Chinese government regulations for our localized version of LinkedIn in China,” LinkedIn added. There was however to details about which local law the company was examining.",
    "The Exchange attack had hit as many as 250,000 Microsoft customers, according to reports quoting US officials. Reports also claimed that the incident has been deemed to be an “active threat” by the White House.",
    "The allegations that it was involved in the cyberattacks have been denied by China. Last week Beijing warned that linking such attacks “directly to the government” is a “highly sensitive political issue” and that such statements shouldn’t be based on “unprovoked guesses.”",
    "In recent days, there have been hot discussions in the Chinese state media about the outcome of the hack and the apparently unrelated LinkedIn suspension in China. \xa0Ion a report citing “Chinese experts” earlier last week, the Global Times, a hawkish state-owned tabloid, said that the Biden administration threatens to “poison relations between the two countries”. That report was published following reports that indicated that the US government wanted to form a task force to deal with the hack.",
    "And on Wednesday, the Western media was also criticised by the Global Times over attempts to characterising the decision of LinkedIn to suspend ad new registration in China as a “punishment” to China for the Microsoft hack. Such links were described by the report as an “act to politicize internet security issues.”",
    "“Every foreign company operating in China must abide by Chinese laws and respect the feelings of Chinese people,” the article read.",
    "Microsoft has been operational in China since 1992. While Chinese government and companies widely uses its software, its search engine Bing is still allowed in the country while Google has been banned for years now.",
    "LinkedIn has been operational in China since 2014. With more than 45 million users, the presence of LinkedIn in China is notable because of the country banning other Western social networks including Facebook and Twitter.",
]


def publish_seed_article(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.update_or_create(
        slug=SLUG,
        defaults={
            "title": TITLE,
            "byline": "Newsroom staff",
            "body": "\n\n".join(PARAGRAPHS),
            "status": "published",
            "published_at": PUBLISHED_AT,
            "comments_open": True,
        },
    )


def unpublish_seed_article(apps, schema_editor):
    apps.get_model("articles", "Article").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(publish_seed_article, unpublish_seed_article)]
