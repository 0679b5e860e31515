import os

# One Redis for every worker and instance: one-time records, rate limits,
# the throttle's counts and the files kept from failed submissions.
SERVER_ACTIONS_STORE = os.environ["REDIS_URL"]
SERVER_ACTIONS_UPLOAD_STORAGE = os.environ["REDIS_URL"]
# How long a post waits for Redis (to connect, then for each answer) before
# it shows the page again with the input, 503: well under the worker timeout.
SERVER_ACTIONS_STORE_TIMEOUT = 2.0
