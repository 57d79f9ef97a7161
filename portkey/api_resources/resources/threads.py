"""``beta.threads``: conversation threads, their messages, runs and run steps."""

from functools import cached_property
from typing import Any, Dict, Optional, Tuple, cast

from ..assistant_events import check_handler
from ..assistant_stream import (
    AssistantStreamData,
    AssistantStreamManager,
    AsyncAssistantStreamManager,
)
from ..exceptions import InvalidRequestError
from ..platform_types import Run, RunStep, Thread, ThreadMessage
from ..polling import apoll_until, id_of, poll_until, run_done, with_id
from .assistants import ASSISTANTS_BETA
from .base import Call
from .crud import (
    CRUD,
    AsyncCancellable,
    AsyncCreatable,
    AsyncCRUD,
    AsyncDeletable,
    AsyncListable,
    AsyncRetrievable,
    AsyncUpdatable,
    Cancellable,
    Creatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    Updatable,
    named_args,
    require_field,
)
from .files import call_options

THREADS = Endpoint("/threads", Thread, id_name="thread_id", headers=ASSISTANTS_BETA)
MESSAGES = Endpoint(
    "/threads/{thread_id}/messages",
    ThreadMessage,
    id_name="message_id",
    headers=ASSISTANTS_BETA,
    required=("role", "content"),
)
RUNS = Endpoint(
    "/threads/{thread_id}/runs",
    Run,
    id_name="run_id",
    headers=ASSISTANTS_BETA,
    required=("assistant_id",),
    create_args=("assistant_id",),  # runs.create("thread_1", "asst_1")
)
STEPS = Endpoint(
    "/threads/{thread_id}/runs/{run_id}/steps", RunStep, id_name="step_id", headers=ASSISTANTS_BETA
)


def _create_and_run_call(assistant_id: Any, params: Any) -> Any:
    if assistant_id is not None:
        params = named_args((assistant_id,), ["assistant_id"], params, "create_and_run")
    require_field(params, "assistant_id")
    return THREADS.collection_call("POST", "runs", params, cast_to=Run)


def _tool_outputs_call(run_id: Any, params: Any) -> Any:
    require_field(params, "tool_outputs")
    return RUNS.action_call("POST", run_id, "submit_tool_outputs", params)


def streamed(call: Call) -> Call:
    """``call`` as an assistant stream: ``stream: true`` in its body, events as chunks."""
    call.body = {**(call.body or {}), "stream": True}
    call.stream = True
    call.stream_cls = AssistantStreamData
    return call


def stream_params(params: Dict[str, Any]) -> Tuple[Dict[str, Any], Any]:
    """A ``*_stream`` method's body keywords and its ``event_handler``; refuses what it cannot
    honour before sending."""
    if "stream" in params:
        raise InvalidRequestError(
            "the *_stream methods stream by themselves: leave out stream=", field="stream"
        )
    handler = check_handler(params.pop("event_handler", None))
    return params, handler


# ---- sync --------------------------------------------------------------------------------------


class Messages(CRUD[ThreadMessage]):
    """``client.beta.threads.messages`` (keyed by ``thread_id``)."""

    endpoint = MESSAGES


class Steps(Listable[RunStep], Retrievable[RunStep]):
    """``client.beta.threads.runs.steps``: ``list``, ``retrieve`` (keyed by ``thread_id`` and
    ``run_id``)."""

    endpoint = STEPS


class Runs(Creatable[Run], Listable[Run], Retrievable[Run], Updatable[Run], Cancellable[Run]):
    """``client.beta.threads.runs`` (keyed by ``thread_id``), with ``submit_tool_outputs``."""

    endpoint = RUNS

    @cached_property
    def steps(self) -> Steps:
        """The steps of a run."""
        return Steps(self._client)

    def submit_tool_outputs(self, id: Optional[str] = None, /, **params: Any) -> Run:
        """Answer a run's ``required_action`` with ``tool_outputs``."""
        return cast(Run, self._send(_tool_outputs_call(id, params)))

    def poll(
        self,
        run_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Retrieve the run until it stops: ``completed``, ``requires_action``, ``failed``,
        ``cancelled``, ``expired`` or ``incomplete`` (``thread_id`` required)."""
        return poll_until(
            lambda: self.retrieve(**with_id(params, "run_id", run_id)),
            run_done,
            poll_interval_ms,
            max_wait_seconds,
        )

    def create_and_poll(
        self,
        thread_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Start a run (``assistant_id`` required) and :meth:`poll` it until it stops."""
        run = self.create(**with_id(params, "thread_id", thread_id))
        return self.poll(
            id_of(run),
            thread_id=run.thread_id or thread_id or params.get("thread_id"),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def submit_tool_outputs_and_poll(
        self,
        run_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Send ``tool_outputs`` for a run that ``requires_action``, then :meth:`poll` it."""
        run = self.submit_tool_outputs(**with_id(params, "run_id", run_id))
        return self.poll(
            id_of(run),
            thread_id=run.thread_id or params.get("thread_id"),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def stream(self, thread_id: Optional[str] = None, /, **params: Any) -> AssistantStreamManager:
        """Start a run (``assistant_id`` required) and stream its events:
        ``with runs.stream(thread_id=..., assistant_id=...) as stream: for event in stream``."""
        body, handler = stream_params(params)
        call = streamed(RUNS.create_call(body, thread_id))
        return AssistantStreamManager(lambda: self._send(call), handler)

    def create_and_stream(
        self, thread_id: Optional[str] = None, /, **params: Any
    ) -> AssistantStreamManager:
        """The same as :meth:`stream` (the name OpenAI's SDK first gave it)."""
        return self.stream(thread_id, **params)

    def submit_tool_outputs_stream(
        self, run_id: Optional[str] = None, /, **params: Any
    ) -> AssistantStreamManager:
        """Send ``tool_outputs`` and stream the rest of the run's events."""
        body, handler = stream_params(params)
        call = streamed(_tool_outputs_call(run_id, body))
        return AssistantStreamManager(lambda: self._send(call), handler)


class Threads(Creatable[Thread], Retrievable[Thread], Updatable[Thread], Deletable):
    """``client.beta.threads``: ``create``, ``retrieve``, ``update``, ``delete``,
    ``create_and_run``; ``messages`` and ``runs``."""

    endpoint = THREADS

    @cached_property
    def messages(self) -> Messages:
        """The messages of a thread."""
        return Messages(self._client)

    @cached_property
    def runs(self) -> Runs:
        """The runs of a thread."""
        return Runs(self._client)

    def create_and_run(self, assistant_id: Optional[str] = None, /, **params: Any) -> Run:
        """Create a thread and start a run on it in one call (``assistant_id`` required,
        positionally or by keyword)."""
        return cast(Run, self._send(_create_and_run_call(assistant_id, params)))

    def create_and_run_poll(
        self,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """:meth:`create_and_run`, then poll the run until it stops."""
        run = self.create_and_run(**params)
        return self.runs.poll(
            id_of(run),
            thread_id=id_of(run, "thread_id"),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def create_and_run_stream(self, **params: Any) -> AssistantStreamManager:
        """:meth:`create_and_run`, streaming the run's events."""
        body, handler = stream_params(params)
        call = streamed(_create_and_run_call(None, body))
        return AssistantStreamManager(lambda: self._send(call), handler)


# ---- async -------------------------------------------------------------------------------------


class AsyncMessages(AsyncCRUD[ThreadMessage]):
    """Async twin of :class:`Messages`."""

    endpoint = MESSAGES


class AsyncSteps(AsyncListable[RunStep], AsyncRetrievable[RunStep]):
    """Async twin of :class:`Steps`."""

    endpoint = STEPS


class AsyncRuns(
    AsyncCreatable[Run],
    AsyncListable[Run],
    AsyncRetrievable[Run],
    AsyncUpdatable[Run],
    AsyncCancellable[Run],
):
    """Async twin of :class:`Runs`."""

    endpoint = RUNS

    @cached_property
    def steps(self) -> AsyncSteps:
        """The steps of a run."""
        return AsyncSteps(self._client)

    async def submit_tool_outputs(self, id: Optional[str] = None, /, **params: Any) -> Run:
        """Answer a run's ``required_action`` with ``tool_outputs``."""
        return cast(Run, await self._send(_tool_outputs_call(id, params)))

    async def poll(
        self,
        run_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Async twin of :meth:`Runs.poll`."""
        return await apoll_until(
            lambda: self.retrieve(**with_id(params, "run_id", run_id)),
            run_done,
            poll_interval_ms,
            max_wait_seconds,
        )

    async def create_and_poll(
        self,
        thread_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Async twin of :meth:`Runs.create_and_poll`."""
        run = await self.create(**with_id(params, "thread_id", thread_id))
        return await self.poll(
            id_of(run),
            thread_id=run.thread_id or thread_id or params.get("thread_id"),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    async def submit_tool_outputs_and_poll(
        self,
        run_id: Optional[str] = None,
        /,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Async twin of :meth:`Runs.submit_tool_outputs_and_poll`."""
        run = await self.submit_tool_outputs(**with_id(params, "run_id", run_id))
        return await self.poll(
            id_of(run),
            thread_id=run.thread_id or params.get("thread_id"),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def stream(
        self, thread_id: Optional[str] = None, /, **params: Any
    ) -> AsyncAssistantStreamManager:
        """Async twin of :meth:`Runs.stream` (``async with``)."""
        body, handler = stream_params(params)
        call = streamed(RUNS.create_call(body, thread_id))
        return AsyncAssistantStreamManager(lambda: self._send(call), handler)

    def create_and_stream(
        self, thread_id: Optional[str] = None, /, **params: Any
    ) -> AsyncAssistantStreamManager:
        """The same as :meth:`stream`."""
        return self.stream(thread_id, **params)

    def submit_tool_outputs_stream(
        self, run_id: Optional[str] = None, /, **params: Any
    ) -> AsyncAssistantStreamManager:
        """Async twin of :meth:`Runs.submit_tool_outputs_stream`."""
        body, handler = stream_params(params)
        call = streamed(_tool_outputs_call(run_id, body))
        return AsyncAssistantStreamManager(lambda: self._send(call), handler)


class AsyncThreads(
    AsyncCreatable[Thread], AsyncRetrievable[Thread], AsyncUpdatable[Thread], AsyncDeletable
):
    """Async twin of :class:`Threads`."""

    endpoint = THREADS

    @cached_property
    def messages(self) -> AsyncMessages:
        """The messages of a thread."""
        return AsyncMessages(self._client)

    @cached_property
    def runs(self) -> AsyncRuns:
        """The runs of a thread."""
        return AsyncRuns(self._client)

    async def create_and_run(self, assistant_id: Optional[str] = None, /, **params: Any) -> Run:
        """Create a thread and start a run on it in one call."""
        return cast(Run, await self._send(_create_and_run_call(assistant_id, params)))

    async def create_and_run_poll(
        self,
        *,
        poll_interval_ms: Optional[float] = None,
        max_wait_seconds: Optional[float] = None,
        **params: Any,
    ) -> Run:
        """Async twin of :meth:`Threads.create_and_run_poll`."""
        run = await self.create_and_run(**params)
        return await self.runs.poll(
            id_of(run),
            thread_id=id_of(run, "thread_id"),
            poll_interval_ms=poll_interval_ms,
            max_wait_seconds=max_wait_seconds,
            **call_options(params),
        )

    def create_and_run_stream(self, **params: Any) -> AsyncAssistantStreamManager:
        """Async twin of :meth:`Threads.create_and_run_stream`."""
        body, handler = stream_params(params)
        call = streamed(_create_and_run_call(None, body))
        return AsyncAssistantStreamManager(lambda: self._send(call), handler)
