"""The periodic engagement passes the scheduler runs: daily follow-up suggestions,
predictive maintenance alerts and reminders, and post-service surveys.

Each pass selects its work with one query (`EngagementQueries`), calls the LLM use case
outside any transaction, then writes each customer's (or job's) result in its own unit of
work, with any outbox message in that same unit of work. Each is idempotent: running it
twice, or twice at once, stores and queues nothing more than running it once.
"""

from application.engagement.engagement_context import EngagementContext
from application.engagement.maintenance_reminders import refresh_maintenance_alerts
from application.engagement.post_service_surveys import queue_post_service_surveys
from application.engagement.suggestions import daily_follow_up_suggestions

__all__ = [
    "EngagementContext",
    "daily_follow_up_suggestions",
    "queue_post_service_surveys",
    "refresh_maintenance_alerts",
]
