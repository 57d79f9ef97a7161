"""``analytics`` (hosted control plane): ``graphs`` (time series), ``groups`` (breakdowns) and
``summary``, each a ``GET`` whose keywords are the query.

Every call needs the time window, ``time_of_generation_min`` and ``time_of_generation_max``
(ISO-8601 strings); the other keywords (``workspace_slug``, ``virtual_keys``, ``metadata``,
``cost_min``, ``page_size``, ...) filter and go in the query as given.
"""

from functools import cached_property

from ..surface_types import AnalyticsResult
from .base import AsyncAPIResource, SyncAPIResource
from .crud import AsyncResource, Endpoint, SyncResource
from .verbs import Verb

WINDOW = ("time_of_generation_min", "time_of_generation_max")
GRAPHS = Endpoint("/analytics/graphs", AnalyticsResult)
GROUPS = Endpoint("/analytics/groups", AnalyticsResult)
SUMMARY = Endpoint("/analytics/summary", AnalyticsResult)


def _get(action: str) -> Verb[AnalyticsResult]:
    """``GET /analytics/{kind}/{action}`` over a time window."""
    return Verb("GET", action, AnalyticsResult, on_item=False, required=WINDOW)


class GraphVerbs:
    """One time series per verb: ``requests``, ``cost``, ``latency``, ``errors_rate``, ..."""

    endpoint = GRAPHS
    requests = _get("requests")
    cost = _get("cost")
    latency = _get("latency")
    tokens = _get("tokens")
    users = _get("users")
    users_requests = _get("users/requests")
    errors = _get("errors")
    errors_rate = _get("errors/rate")
    errors_stacks = _get("errors/stacks")
    errors_status_codes = _get("errors/status-codes")
    requests_rescued = _get("requests/rescued")
    cache_hit_rate = _get("cache/hit-rate")
    cache_latency = _get("cache/latency")
    feedbacks = _get("feedbacks")
    feedbacks_scores = _get("feedbacks/scores")
    feedbacks_weighted = _get("feedbacks/weighted")
    feedbacks_ai_models = _get("feedbacks/ai-models")


class GroupVerbs:
    """Breakdowns: by ``users``, ``ai_models``, ``workspaces``, a ``metadata`` key, or any
    ``group_by`` dimension."""

    endpoint = GROUPS
    users = _get("users")
    ai_models = _get("ai-models")
    workspaces = _get("workspaces")
    metadata = _get("metadata/{metadata_key}")
    group_by = _get("{group_by}")


class SummaryVerbs:
    """``cache``: the cache's hit and savings summary."""

    endpoint = SUMMARY
    cache = _get("cache")


class Graphs(GraphVerbs, SyncResource):
    """``client.analytics.graphs``."""


class Groups(GroupVerbs, SyncResource):
    """``client.analytics.groups``."""


class Summary(SummaryVerbs, SyncResource):
    """``client.analytics.summary``."""


class Analytics(SyncAPIResource):
    """``client.analytics``: ``graphs``, ``groups``, ``summary``."""

    @cached_property
    def graphs(self) -> Graphs:
        """Time series."""
        return Graphs(self._client)

    @cached_property
    def groups(self) -> Groups:
        """Breakdowns."""
        return Groups(self._client)

    @cached_property
    def summary(self) -> Summary:
        """Summaries."""
        return Summary(self._client)


class AsyncGraphs(GraphVerbs, AsyncResource):
    """Async twin of :class:`Graphs`."""


class AsyncGroups(GroupVerbs, AsyncResource):
    """Async twin of :class:`Groups`."""


class AsyncSummary(SummaryVerbs, AsyncResource):
    """Async twin of :class:`Summary`."""


class AsyncAnalytics(AsyncAPIResource):
    """Async twin of :class:`Analytics`."""

    @cached_property
    def graphs(self) -> AsyncGraphs:
        """Time series."""
        return AsyncGraphs(self._client)

    @cached_property
    def groups(self) -> AsyncGroups:
        """Breakdowns."""
        return AsyncGroups(self._client)

    @cached_property
    def summary(self) -> AsyncSummary:
        """Summaries."""
        return AsyncSummary(self._client)
