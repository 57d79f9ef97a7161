"""Typed models of the Assistants API: assistants and their tools, threads, messages, runs and
run steps. Lenient like every response model: unknown fields are kept, missing ones ``None``,
and an unknown kind of tool or content part becomes a generic part with its ``type``."""

from typing import Annotated, Any, Dict, List, Optional, Union

from pydantic import Tag

from .platform_base import OTHER, ErrorInfo, PlatformObject, TypedPart, by_type
from .responses import PortkeyModel, ToolCall

# ---- tools -------------------------------------------------------------------------------------


class FunctionDefinition(PortkeyModel):
    """A function the model may call: its name, description and JSON-schema parameters."""

    name: Optional[str] = None
    description: Optional[str] = None
    parameters: Optional[Dict[str, Any]] = None
    strict: Optional[bool] = None


class RankingOptions(PortkeyModel):
    """How file search ranks chunks."""

    ranker: Optional[str] = None
    score_threshold: Optional[float] = None


class FileSearchSettings(PortkeyModel):
    """Settings of the file search tool."""

    max_num_results: Optional[int] = None
    ranking_options: Optional[RankingOptions] = None


class CodeInterpreterTool(TypedPart):
    """The code interpreter tool (``type`` ``code_interpreter``)."""


class FileSearchTool(TypedPart):
    """The file search tool (``type`` ``file_search``)."""

    file_search: Optional[FileSearchSettings] = None


class FunctionTool(TypedPart):
    """A function tool (``type`` ``function``)."""

    function: Optional[FunctionDefinition] = None


#: One tool of an assistant or run, typed by its ``type`` (others: a generic part).
AssistantTool = Annotated[
    Union[
        Annotated[CodeInterpreterTool, Tag("code_interpreter")],
        Annotated[FileSearchTool, Tag("file_search")],
        Annotated[FunctionTool, Tag("function")],
        Annotated[TypedPart, Tag(OTHER)],
    ],
    by_type("code_interpreter", "file_search", "function"),
]


class CodeInterpreterResources(PortkeyModel):
    """Files the code interpreter can read."""

    file_ids: Optional[List[str]] = None


class FileSearchResources(PortkeyModel):
    """Vector stores file search searches."""

    vector_store_ids: Optional[List[str]] = None


class ToolResources(PortkeyModel):
    """The resources the tools use."""

    code_interpreter: Optional[CodeInterpreterResources] = None
    file_search: Optional[FileSearchResources] = None


# ---- assistants and threads ----------------------------------------------------------------------


class Assistant(PlatformObject):
    """An assistant: a model with instructions and tools (``assistant.tools[0].type``)."""

    created_at: Optional[int] = None
    model: Optional[str] = None
    name: Optional[str] = None
    description: Optional[str] = None
    instructions: Optional[str] = None
    tools: List[AssistantTool] = []
    tool_resources: Optional[ToolResources] = None
    metadata: Optional[Dict[str, Any]] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    response_format: Optional[Union[str, Dict[str, Any]]] = None


class Thread(PlatformObject):
    """A conversation thread."""

    created_at: Optional[int] = None
    metadata: Optional[Dict[str, Any]] = None
    tool_resources: Optional[ToolResources] = None


# ---- messages ----------------------------------------------------------------------------------


class MessageText(PortkeyModel):
    """The text of a message part and its annotations (file citations and paths)."""

    value: Optional[str] = None
    annotations: List[Dict[str, Any]] = []


class TextContentBlock(TypedPart):
    """A text part of a message (``content[0].text.value``)."""

    text: Optional[MessageText] = None


class ImageFile(PortkeyModel):
    """An image stored as a file."""

    file_id: Optional[str] = None
    detail: Optional[str] = None


class ImageURL(PortkeyModel):
    """An image on the web."""

    url: Optional[str] = None
    detail: Optional[str] = None


class ImageFileContentBlock(TypedPart):
    """An image-file part of a message."""

    image_file: Optional[ImageFile] = None


class ImageURLContentBlock(TypedPart):
    """An image-URL part of a message."""

    image_url: Optional[ImageURL] = None


class RefusalContentBlock(TypedPart):
    """The model's refusal as a message part."""

    refusal: Optional[str] = None


#: One part of a thread message, typed by its ``type`` (others: a generic part).
MessageContent = Annotated[
    Union[
        Annotated[TextContentBlock, Tag("text")],
        Annotated[ImageFileContentBlock, Tag("image_file")],
        Annotated[ImageURLContentBlock, Tag("image_url")],
        Annotated[RefusalContentBlock, Tag("refusal")],
        Annotated[TypedPart, Tag(OTHER)],
    ],
    by_type("text", "image_file", "image_url", "refusal"),
]


class ThreadMessage(PlatformObject):
    """A message in a thread (``message.content[0].text.value``)."""

    created_at: Optional[int] = None
    thread_id: Optional[str] = None
    role: Optional[str] = None
    content: Union[List[MessageContent], str, None] = None
    assistant_id: Optional[str] = None
    run_id: Optional[str] = None
    status: Optional[str] = None
    attachments: Optional[List[Dict[str, Any]]] = None
    metadata: Optional[Dict[str, Any]] = None
    incomplete_details: Optional[Dict[str, Any]] = None
    completed_at: Optional[int] = None
    incomplete_at: Optional[int] = None


# ---- runs --------------------------------------------------------------------------------------


class SubmitToolOutputs(PortkeyModel):
    """The tool calls a run waits on."""

    tool_calls: List[ToolCall] = []


class RequiredAction(PortkeyModel):
    """What a run needs to go on (``type`` ``submit_tool_outputs``)."""

    type: Optional[str] = None
    submit_tool_outputs: Optional[SubmitToolOutputs] = None


class RunUsage(PortkeyModel):
    """Tokens a run (or step) used."""

    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None


class Run(PlatformObject):
    """A run of an assistant on a thread.

    ``status`` goes ``queued`` -> ``in_progress`` -> ``completed`` (or ``requires_action``,
    ``cancelled``, ``failed``, ``expired``, ``incomplete``);
    ``required_action.submit_tool_outputs.tool_calls`` lists the calls to answer.
    """

    created_at: Optional[int] = None
    thread_id: Optional[str] = None
    assistant_id: Optional[str] = None
    status: Optional[str] = None
    required_action: Optional[RequiredAction] = None
    last_error: Optional[ErrorInfo] = None
    model: Optional[str] = None
    instructions: Optional[str] = None
    tools: List[AssistantTool] = []
    usage: Optional[RunUsage] = None
    metadata: Optional[Dict[str, Any]] = None
    started_at: Optional[int] = None
    expires_at: Optional[int] = None
    cancelled_at: Optional[int] = None
    failed_at: Optional[int] = None
    completed_at: Optional[int] = None
    incomplete_details: Optional[Dict[str, Any]] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    max_prompt_tokens: Optional[int] = None
    max_completion_tokens: Optional[int] = None
    truncation_strategy: Optional[Dict[str, Any]] = None
    tool_choice: Optional[Union[str, Dict[str, Any]]] = None
    parallel_tool_calls: Optional[bool] = None
    response_format: Optional[Union[str, Dict[str, Any]]] = None


class MessageCreation(PortkeyModel):
    """The message a step created."""

    message_id: Optional[str] = None


class StepDetails(PortkeyModel):
    """What a run step did: ``message_creation`` or ``tool_calls``."""

    type: Optional[str] = None
    message_creation: Optional[MessageCreation] = None
    tool_calls: Optional[List[Dict[str, Any]]] = None


class RunStep(PlatformObject):
    """One step of a run."""

    created_at: Optional[int] = None
    run_id: Optional[str] = None
    thread_id: Optional[str] = None
    assistant_id: Optional[str] = None
    type: Optional[str] = None
    status: Optional[str] = None
    step_details: Optional[StepDetails] = None
    last_error: Optional[ErrorInfo] = None
    usage: Optional[RunUsage] = None
    completed_at: Optional[int] = None
    cancelled_at: Optional[int] = None
    failed_at: Optional[int] = None
    expired_at: Optional[int] = None


__all__ = [
    "Assistant",
    "AssistantTool",
    "CodeInterpreterTool",
    "FileSearchSettings",
    "FileSearchTool",
    "FunctionDefinition",
    "FunctionTool",
    "ImageFileContentBlock",
    "ImageURLContentBlock",
    "MessageContent",
    "MessageText",
    "RefusalContentBlock",
    "RequiredAction",
    "Run",
    "RunStep",
    "RunUsage",
    "StepDetails",
    "SubmitToolOutputs",
    "TextContentBlock",
    "Thread",
    "ThreadMessage",
    "ToolResources",
]
