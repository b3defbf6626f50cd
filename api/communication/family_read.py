"""The family "Communication" lists' SQL, as PostgreSQL-built JSON: information posts sent to the
reader (with their survey questions and the reader's answers), and the reader's discussions.

Parameters: $1 school, $2 reader, and for posts the moment (`now`) publication is compared with.
"""


def posts_json(moment: str, *, only_post: str | None = None, limit: int | None = None) -> str:
    """A JSON array of `PostOut` for reader $2, latest first; `only_post` narrows it to one post."""
    narrowed = f"AND r.post_id = {only_post}" if only_post else ""
    latest = f"LIMIT {int(limit)}" if limit else ""
    return f"""coalesce((
    SELECT json_agg(x.post ORDER BY x.published_at DESC) FROM (
        SELECT p.published_at, json_build_object(
            'id', p.id, 'title', p.title, 'html', p.html,
            'author', coalesce(display_name(u.first_name, u.last_name), ''),
            'is_survey', p.is_survey, 'published_at', api_timestamp(p.published_at),
            'read', r.read_at IS NOT NULL, 'acknowledged', r.acknowledged_at IS NOT NULL,
            'questions', CASE WHEN p.is_survey THEN coalesce((
                SELECT json_agg(json_build_object(
                    'id', q.id, 'text', q.text, 'kind', q.kind,
                    'choices', coalesce(q.choices, '[]'::jsonb), 'answer', a.answer) ORDER BY q.position)
                FROM survey_question q
                LEFT JOIN survey_answer a ON a.school_id = $1 AND a.question_id = q.id AND a.user_id = $2
                WHERE q.school_id = $1 AND q.post_id = p.id), '[]') ELSE '[]' END
        ) AS post
        FROM information_recipient r
        JOIN information_post p ON p.school_id = $1 AND p.id = r.post_id
        LEFT JOIN app_user u ON u.school_id = $1 AND u.id = p.author_id
        WHERE r.school_id = $1 AND r.user_id = $2 AND p.published_at <= {moment} {narrowed}
        ORDER BY p.published_at DESC {latest}
    ) x
), '[]')"""


def unread_posts_count(moment: str) -> str:
    return f"""(SELECT count(*) FROM information_recipient r
    JOIN information_post p ON p.school_id = $1 AND p.id = r.post_id
    WHERE r.school_id = $1 AND r.user_id = $2 AND p.published_at <= {moment} AND r.read_at IS NULL)"""


UNREAD_DISCUSSIONS_COUNT = """(SELECT count(*) FROM discussion_participant p
    JOIN discussion d ON d.school_id = $1 AND d.id = p.discussion_id
    WHERE p.school_id = $1 AND p.user_id = $2 AND (p.last_read_at IS NULL OR p.last_read_at < d.last_message_at))"""

# $1 school, $2 reader, $3 now.
INFORMATION_SQL = f"SELECT {posts_json('$3::timestamptz')}::text"
# $1 school, $2 reader, $3 now, $4 post.
ONE_POST_SQL = f"SELECT {posts_json('$3::timestamptz', only_post='$4::uuid')}::text"

# $1 school, $2 reader: the reader's discussions, latest first, with the other participants' names.
DISCUSSIONS_SQL = """
SELECT coalesce(json_agg(json_build_object(
    'id', d.id, 'subject', d.subject,
    'with_names', coalesce((
        SELECT json_agg(coalesce(display_name(u.first_name, u.last_name), '')
                        ORDER BY display_name(u.first_name, u.last_name) COLLATE "C")
        FROM discussion_participant o LEFT JOIN app_user u ON u.school_id = $1 AND u.id = o.user_id
        WHERE o.school_id = $1 AND o.discussion_id = d.id AND o.user_id <> $2), '[]'),
    'about_student_id', d.about_student_id, 'last_message_at', api_timestamp(d.last_message_at),
    'unread', p.last_read_at IS NULL OR p.last_read_at < d.last_message_at
) ORDER BY d.last_message_at DESC), '[]')::text
FROM discussion_participant p
JOIN discussion d ON d.school_id = $1 AND d.id = p.discussion_id
WHERE p.school_id = $1 AND p.user_id = $2
"""
