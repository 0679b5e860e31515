"""A stand-in for your database, so the sample runs anywhere."""

USERS = ["ada", "grace"]
POSTS = {1: {"id": 1, "title": "Hello", "author": "ada"}}


def add_user(name):
    USERS.append(name)


def get_post(post_id):
    return POSTS.get(post_id)


def update_post(post_id, title):
    POSTS[post_id]["title"] = title


def delete_post(post_id):
    POSTS.pop(post_id, None)
