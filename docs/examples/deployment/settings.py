import os

# The same key on every worker and instance: any of them opens any token.
SECRET_KEY = os.environ["SECRET_KEY"]
# Keys being retired, newest first: their tokens keep working until removed.
SECRET_KEY_FALLBACKS = os.environ.get("SECRET_KEY_FALLBACKS", "").split()
# A form left open longer than this comes back with its input and a notice.
SERVER_ACTIONS_MAX_AGE = 24 * 60 * 60
# Behind a proxy that rewrites Host, name the public host here.
SERVER_ACTIONS_ALLOWED_ORIGINS = os.environ.get("PUBLIC_HOSTS", "").split()
# One store for every process: used one-time tokens, limit= and the throttle.
# Without one, a server of several processes refuses the posts it would decide.
SERVER_ACTIONS_STORE = os.environ.get("REDIS_URL")
SESSION_COOKIE_SECURE = os.environ.get("HTTPS", "1") == "1"
