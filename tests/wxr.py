"""Small WordPress exports (WXR) written by the tests, field by field."""

from xml.sax.saxutils import escape

SITE = "https://old.example.com"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def comment(
    comment_id: int,
    *,
    parent: int = 0,
    content: str | None = None,
    author: str = "A Reader",
    email: str = "reader@example.com",
    url: str = "",
    ip: str = "192.0.2.7",
    date_gmt: str = "2021-03-10 10:00:00",
    date: str = "2021-03-10 11:00:00",
    approved: str = "1",
    comment_type: str = "comment",
    agent: str | None = None,
) -> str:
    agent_element = (
        f"<wp:comment_agent>{cdata(agent)}</wp:comment_agent>" if agent else ""
    )
    return f"""
        <wp:comment>
            <wp:comment_id>{comment_id}</wp:comment_id>
            <wp:comment_author>{cdata(author)}</wp:comment_author>
            <wp:comment_author_email>{cdata(email)}</wp:comment_author_email>
            <wp:comment_author_url>{escape(url)}</wp:comment_author_url>
            <wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>
            <wp:comment_date>{cdata(date)}</wp:comment_date>
            <wp:comment_date_gmt>{cdata(date_gmt)}</wp:comment_date_gmt>
            <wp:comment_content>{
        cdata(content if content is not None else f"Comment {comment_id}.")
    }</wp:comment_content>
            <wp:comment_approved>{cdata(approved)}</wp:comment_approved>
            <wp:comment_type>{cdata(comment_type)}</wp:comment_type>
            <wp:comment_parent>{parent}</wp:comment_parent>
            <wp:comment_user_id>3</wp:comment_user_id>
            {agent_element}
        </wp:comment>"""


def item(
    post_id: int,
    *comments: str,
    title: str = "A story",
    slug: str | None = None,
    link: str | None = None,
    content: str = "<!-- wp:paragraph --><p>Body.</p><!-- /wp:paragraph -->",
    date_gmt: str = "2021-03-10 09:00:00",
    pub_date: str = "Wed, 10 Mar 2021 09:00:00 +0000",
    status: str = "publish",
    post_type: str = "post",
    comment_status: str = "open",
) -> str:
    slug = f"story-{post_id}" if slug is None else slug
    link = f"{SITE}/2021/03/10/{slug}/" if link is None else link
    return f"""
    <item>
        <title>{cdata(title)}</title>
        <link>{escape(link)}</link>
        <pubDate>{pub_date}</pubDate>
        <dc:creator>{cdata("editor")}</dc:creator>
        <content:encoded>{cdata(content)}</content:encoded>
        <wp:post_id>{post_id}</wp:post_id>
        <wp:post_date>{cdata(date_gmt)}</wp:post_date>
        <wp:post_date_gmt>{cdata(date_gmt)}</wp:post_date_gmt>
        <wp:comment_status>{cdata(comment_status)}</wp:comment_status>
        <wp:post_name>{cdata(slug)}</wp:post_name>
        <wp:status>{cdata(status)}</wp:status>
        <wp:post_type>{cdata(post_type)}</wp:post_type>
        {"".join(comments)}
    </item>"""


def export(*items: str, version: str = "1.2", site: str = SITE, head: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
{head}<rss version="2.0"
    xmlns:excerpt="http://wordpress.org/export/{version}/excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:wfw="http://wellformedweb.org/CommentAPI/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:wp="http://wordpress.org/export/{version}/">
<channel>
    <title>Old site</title>
    <link>{site}</link>
    <wp:wxr_version>{version}</wp:wxr_version>
    <wp:base_site_url>{site}</wp:base_site_url>
    <wp:base_blog_url>{site}</wp:base_blog_url>
    {"".join(items)}
</channel>
</rss>
"""
