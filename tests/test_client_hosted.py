"""Hosted-only APIs (prompts, feedback) and the exact wire shape of uploads and binary answers,
against local recording servers: the provider stand-in's catch-all (``base_url=stub.url/v1``,
scripted with the hosted API's answers) and, where the answer must be SSE, plain text or audio
bytes, a small stdlib server defined here that records what it gets."""

import asyncio
import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from provider_stub import ProviderStub, status

from portkey import (
    AsyncPortkey,
    BinaryResponse,
    FeedbackResponse,
    ImagesResponse,
    InvalidRequestError,
    Portkey,
    PromptCompletion,
    PromptCompletionChunk,
    PromptRender,
    Stream,
    Transcription,
    Translation,
)

HI = [{"role": "user", "content": "Hi"}]
PNG = b"\x89PNG\r\n\x1a\n\x00binary\xffimage"
AUDIO = b"ID3\x04\x00\x00audio\x00\xff\xfe-bytes"
CHAT_ANSWER = {
    "id": "chatcmpl-p1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hello Ada"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}
RENDER_ANSWER = {
    "success": True,
    "data": {
        "model": "gpt-4o",
        "temperature": 0.2,
        "messages": [{"role": "system", "content": "Greet Ada"}],
    },
}
FEEDBACK_ANSWER = {"status": "success", "message": "Feedback saved", "feedback_ids": ["fb-1"]}


def hosted(stub: ProviderStub, **params: Any) -> Portkey:
    """A client whose hosted API is the stub's catch-all."""
    return Portkey(api_key="pk-hosted-1", base_url=f"{stub.url}/v1", **params)


def form_parts(content_type: str, body: bytes) -> Dict[str, Tuple[str, bytes]]:
    """A multipart body as ``{field: (filename, content)}`` (filename empty for text fields)."""
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts: Dict[str, Tuple[str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename() or ""
        parts[str(name)] = (filename, part.get_payload(decode=True) or b"")
    return parts


# ---- a small server for answers the stand-in does not give (SSE, text, audio) ------------------


class Recorder(ThreadingHTTPServer):
    """Answers prompt streams as SSE, text transcripts as text/plain, speech as audio bytes."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: List[Tuple[str, str, Dict[str, str], bytes]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_GET(self) -> None:
        self.server.seen.append(("GET", self.path, {}, b""))
        self._answer(b"{}", "application/json")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        # self.path is the request target as sent: nothing decoded
        self.server.seen.append(("POST", self.path, headers, body))
        if self.path.endswith("/completions"):
            chunks = [
                {
                    "id": "p-1",
                    "object": "chat.completion.chunk",
                    "model": "gpt-4o",
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                }
                for piece in ("Hel", "lo ", "Ada")
            ]
            chunks[-1]["choices"][0]["finish_reason"] = "stop"  # type: ignore[index]
            payload = b"".join(f"data: {json.dumps(c)}\n\n".encode() for c in chunks)
            self._answer(payload + b"data: [DONE]\n\n", "text/event-stream")
        elif self.path.endswith(("/transcriptions", "/translations")):
            self._answer(b"1\n00:00:00,000 --> 00:00:01,000\nhello world\n", "text/plain")
        elif self.path.endswith("/speech"):
            self._answer(AUDIO, "audio/mpeg")
        else:
            self._answer(b"{}", "application/json")

    def _answer(self, payload: bytes, content_type: str, code: int = 200) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ---- prompts ---------------------------------------------------------------------------------


def test_prompt_completion_path_and_body(stub: ProviderStub) -> None:
    stub.script("default", status(200, CHAT_ANSWER))
    client = hosted(stub, trace_id="tr-prompt")
    result = client.prompts.completions.create(
        prompt_id="pp-greeter-1a2b", variables={"name": "Ada"}, temperature=0.2, max_tokens=50
    )
    assert isinstance(result, PromptCompletion)
    assert result.choices[0].message is not None
    assert result.choices[0].message.content == "Hello Ada"
    seen = stub.requests()[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/prompts/pp-greeter-1a2b/completions")
    assert seen.json == {"variables": {"name": "Ada"}, "temperature": 0.2, "max_tokens": 50}
    assert seen.headers["x-portkey-api-key"] == "pk-hosted-1"
    assert seen.headers["x-portkey-trace-id"] == "tr-prompt"
    assert seen.headers["content-type"] == "application/json"


def test_prompt_without_variables_still_sends_them(stub: ProviderStub) -> None:
    stub.script("default", status(200, CHAT_ANSWER))
    hosted(stub).prompts.completions.create(prompt_id="pp-1")
    assert stub.requests()[-1].json == {"variables": {}}


def test_prompt_render(stub: ProviderStub) -> None:
    stub.script("default", status(200, RENDER_ANSWER))
    rendered = hosted(stub).prompts.render(prompt_id="pp-greeter", variables={"name": "Ada"})
    assert isinstance(rendered, PromptRender)
    assert rendered.success is True and rendered.data is not None
    assert rendered.data.messages is not None
    assert rendered.data.messages[0].content == "Greet Ada"
    assert rendered.data.to_dict()["temperature"] == 0.2  # extra fields kept, ready to resend
    seen = stub.requests()[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/prompts/pp-greeter/render")
    assert seen.json == {"variables": {"name": "Ada"}}


def test_prompt_completion_stream(recorder: Recorder) -> None:
    client = Portkey(api_key="pk-1", base_url=recorder.url)
    stream = client.prompts.completions.create(prompt_id="pp-s", variables={"x": "1"}, stream=True)
    assert isinstance(stream, Stream)
    with stream:
        chunks = list(stream)
    assert all(isinstance(chunk, PromptCompletionChunk) for chunk in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices[0].delta)
    assert text == "Hello Ada"
    _, path, headers, body = recorder.seen[-1]
    assert path == "/v1/prompts/pp-s/completions"
    assert json.loads(body) == {"variables": {"x": "1"}, "stream": True}
    assert headers["accept"] == "text/event-stream"


def test_async_prompts_and_feedback(stub: ProviderStub, recorder: Recorder) -> None:
    async def main() -> List[Any]:
        async with AsyncPortkey(api_key="pk-1", base_url=f"{stub.url}/v1") as client:
            stub.script(
                "default",
                status(200, CHAT_ANSWER),
                status(200, RENDER_ANSWER),
                status(200, FEEDBACK_ANSWER),
                status(200, FEEDBACK_ANSWER),
            )
            done = await client.prompts.completions.create(prompt_id="pp-a", variables={})
            rendered = await client.prompts.render(prompt_id="pp-a", variables={"v": "1"})
            created = await client.feedback.create(trace_id="tr-a", value=1)
            updated = await client.feedback.update("fb-1", value=-1, weight=0.5)
            streaming = client.with_options(base_url=recorder.url)
            stream = await streaming.prompts.completions.create(prompt_id="pp-a", stream=True)
            text = "".join(
                [c.choices[0].delta.content or "" async for c in stream if c.choices[0].delta]
            )
            return [done, rendered, created, updated, text]

    done, rendered, created, updated, text = asyncio.run(main())
    assert done.choices[0].message.content == "Hello Ada"
    assert rendered.data.model == "gpt-4o"
    assert created.feedback_ids == ["fb-1"] and updated.status == "success"
    assert text == "Hello Ada"
    assert [(r.method, r.path) for r in stub.requests()] == [
        ("POST", "/v1/prompts/pp-a/completions"),
        ("POST", "/v1/prompts/pp-a/render"),
        ("POST", "/v1/feedback"),
        ("PUT", "/v1/feedback/fb-1"),
    ]
    assert stub.requests()[-1].json == {"value": -1, "weight": 0.5}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prompt_id": ""}, "prompt_id"),
        ({"prompt_id": None}, "prompt_id"),
        ({"prompt_id": 3.5}, "prompt_id"),
        ({"prompt_id": "pp-1", "variables": ["a"]}, "variables"),
        ({"prompt_id": "pp-1", "variables": "name=Ada"}, "variables"),
        ({"prompt_id": "pp-1", "stream": "yes"}, "stream"),
    ],
)
def test_prompt_bad_input(stub: ProviderStub, kwargs: Dict[str, Any], field: str) -> None:
    client = hosted(stub)
    with pytest.raises(InvalidRequestError) as caught:
        client.prompts.completions.create(**kwargs)
    assert caught.value.field == field
    if "stream" not in kwargs:
        with pytest.raises(InvalidRequestError):
            client.prompts.render(**kwargs)
    assert stub.requests() == []


def test_prompt_id_is_one_path_segment(recorder: Recorder) -> None:
    client = Portkey(base_url=recorder.url)
    client.prompts.render(prompt_id="../admin?x=1#y", variables={})
    assert recorder.seen[-1][1] == "/v1/prompts/..%2Fadmin%3Fx%3D1%23y/render"


def test_hosted_errors_are_typed(stub: ProviderStub) -> None:
    from portkey import NotFoundError

    stub.script("default", status(404, {"status": "failure", "message": "prompt not found"}))
    with pytest.raises(NotFoundError, match="prompt not found"):
        hosted(stub, max_retries=0).prompts.render(prompt_id="pp-missing")


# ---- feedback --------------------------------------------------------------------------------


def test_feedback_create_body(stub: ProviderStub) -> None:
    stub.script("default", status(200, FEEDBACK_ANSWER))
    result = hosted(stub).feedback.create(
        trace_id="trace-9", value=5, weight=0.7, metadata={"_user": "u1", "comment": "good"}
    )
    assert isinstance(result, FeedbackResponse)
    assert result.feedback_ids == ["fb-1"] and result.status == "success"
    seen = stub.requests()[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/feedback")
    assert seen.json == {
        "trace_id": "trace-9",
        "value": 5,
        "weight": 0.7,
        "metadata": {"_user": "u1", "comment": "good"},
    }
    assert seen.headers["x-portkey-api-key"] == "pk-hosted-1"


def test_feedback_minimal_and_update(stub: ProviderStub) -> None:
    stub.script("default", status(200, FEEDBACK_ANSWER), status(200, FEEDBACK_ANSWER))
    client = hosted(stub)
    client.feedback.create(trace_id="trace-1", value=-10)
    assert stub.requests()[-1].json == {"trace_id": "trace-1", "value": -10}
    client.feedback.update(feedback_id="fb-77", value=10, metadata={"why": "fixed"})
    seen = stub.requests()[-1]
    assert (seen.method, seen.path) == ("PUT", "/v1/feedback/fb-77")
    assert seen.json == {"value": 10, "metadata": {"why": "fixed"}}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"trace_id": "", "value": 1}, "trace_id"),
        ({"trace_id": None, "value": 1}, "trace_id"),
        ({"trace_id": "t", "value": 11}, "value"),
        ({"trace_id": "t", "value": -11}, "value"),
        ({"trace_id": "t", "value": 1.5}, "value"),
        ({"trace_id": "t", "value": True}, "value"),
        ({"trace_id": "t", "value": "5"}, "value"),
        ({"trace_id": "t", "value": 1, "weight": 1.5}, "weight"),
        ({"trace_id": "t", "value": 1, "weight": -0.1}, "weight"),
        ({"trace_id": "t", "value": 1, "weight": "heavy"}, "weight"),
        ({"trace_id": "t", "value": 1, "metadata": "x"}, "metadata"),
    ],
)
def test_feedback_bad_input(stub: ProviderStub, kwargs: Dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        hosted(stub).feedback.create(**kwargs)
    assert caught.value.field == field
    assert stub.requests() == []


def test_feedback_reads_share_the_resource(stub: ProviderStub) -> None:
    client = hosted(stub)
    client.feedback.retrieve("fb-1")
    client.feedback.list(page_size=5)
    assert [(r.method, r.path, r.query) for r in stub.requests()] == [
        ("GET", "/v1/feedback/fb-1", ""),
        ("GET", "/v1/feedback", "page_size=5"),
    ]


def test_feedback_update_needs_an_id(stub: ProviderStub) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        hosted(stub).feedback.update("", value=1)
    assert caught.value.field == "feedback_id"
    assert stub.requests() == []


# ---- uploads and binary answers, byte for byte -------------------------------------------------


def test_image_edit_multipart_exact_fields(stub: ProviderStub, tmp_path: Any) -> None:
    image = tmp_path / "cat.png"
    image.write_bytes(PNG)
    with image.open("rb") as handle:
        result = hosted(stub).images.edit(
            image=handle,
            mask=b"\x00mask",
            prompt="add a hat",
            model="dall-e-2",
            n=2,
            size="256x256",
            user="u-1",
        )
    assert isinstance(result, ImagesResponse)
    seen = stub.requests()[-1]
    assert (seen.method, seen.path) == ("POST", "/v1/images/edits")
    assert "x-portkey-api-key" in seen.headers
    parts = form_parts(seen.headers["content-type"], seen.body)
    assert parts == {
        "image": ("cat.png", PNG),
        "mask": ("upload", b"\x00mask"),
        "prompt": ("", b"add a hat"),
        "model": ("", b"dall-e-2"),
        "n": ("", b"2"),
        "size": ("", b"256x256"),
        "user": ("", b"u-1"),
    }
    assert b"Content-Type: image/png" in seen.body


def test_image_variation_and_generation(stub: ProviderStub) -> None:
    client = hosted(stub)
    client.images.create_variation(image=("v.png", PNG, "image/png"), n=1, response_format="url")
    seen = stub.requests()[-1]
    assert seen.path == "/v1/images/variations"
    assert form_parts(seen.headers["content-type"], seen.body) == {
        "image": ("v.png", PNG),
        "n": ("", b"1"),
        "response_format": ("", b"url"),
    }
    client.images.generate(prompt="a fox", model="dall-e-3", quality="hd")
    seen = stub.requests()[-1]
    assert seen.path == "/v1/images/generations"
    assert seen.json == {"prompt": "a fox", "model": "dall-e-3", "quality": "hd"}


def test_transcription_multipart_exact_fields(stub: ProviderStub) -> None:
    result = hosted(stub).audio.transcriptions.create(
        file=("talk.mp3", AUDIO),
        model="whisper-1",
        language="en",
        temperature=0.0,
        timestamp_granularities=["word"],
        response_format="verbose_json",
    )
    assert isinstance(result, Transcription)
    seen = stub.requests()[-1]
    assert seen.path == "/v1/audio/transcriptions"
    assert form_parts(seen.headers["content-type"], seen.body) == {
        "file": ("talk.mp3", AUDIO),
        "model": ("", b"whisper-1"),
        "response_format": ("", b"verbose_json"),
        "language": ("", b"en"),
        "temperature": ("", b"0.0"),
        "timestamp_granularities[]": ("", b"word"),
    }


def test_text_transcripts_and_speech_bytes(recorder: Recorder) -> None:
    client = Portkey(base_url=recorder.url)
    transcript = client.audio.transcriptions.create(
        file=AUDIO, model="whisper-1", response_format="srt"
    )
    assert isinstance(transcript, Transcription)
    assert transcript.text == "1\n00:00:00,000 --> 00:00:01,000\nhello world\n"
    assert transcript.get_headers()["content-type"] == "text/plain"
    translation = client.audio.translations.create(file=AUDIO, response_format="text")
    assert isinstance(translation, Translation) and "hello world" in (translation.text or "")
    speech = client.audio.speech.create(
        model="tts-1", input="Hello", voice="alloy", response_format="mp3", speed=1.25
    )
    assert isinstance(speech, BinaryResponse)
    assert speech.content == AUDIO
    assert speech.headers["content-type"] == "audio/mpeg"
    _, path, headers, body = recorder.seen[-1]
    assert path == "/v1/audio/speech"
    assert json.loads(body) == {
        "model": "tts-1",
        "input": "Hello",
        "voice": "alloy",
        "response_format": "mp3",
        "speed": 1.25,
    }
    assert headers["content-type"] == "application/json"


def test_async_uploads_and_speech(recorder: Recorder, tmp_path: Any) -> None:
    out = tmp_path / "out.mp3"

    async def main() -> None:
        async with AsyncPortkey(base_url=recorder.url) as client:
            transcript = await client.audio.transcriptions.create(
                file=("a.wav", AUDIO, "audio/wav"), model="whisper-1", response_format="text"
            )
            assert transcript.text is not None and "hello world" in transcript.text
            speech = await client.audio.speech.create(input="Hi", voice="nova")
            speech.write_to_file(str(out))

    asyncio.run(main())
    assert out.read_bytes() == AUDIO
    _, path, headers, body = recorder.seen[0]
    assert path == "/v1/audio/transcriptions"
    assert form_parts(headers["content-type"], body) == {
        "file": ("a.wav", AUDIO),
        "model": ("", b"whisper-1"),
        "response_format": ("", b"text"),
    }


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.images.edit(image=None, prompt="x"), "image"),
        (lambda c: c.images.edit(image=PNG, prompt=""), "prompt"),
        (lambda c: c.images.edit(image=12, prompt="x"), "image"),
        (lambda c: c.images.edit(image="/no/such/file.png", prompt="x"), "image"),
        (lambda c: c.images.generate(prompt=None), "prompt"),
        (lambda c: c.images.create_variation(image=[PNG, PNG]), "image"),
        (lambda c: c.audio.transcriptions.create(file=None), "file"),
        (lambda c: c.audio.transcriptions.create(file=AUDIO, stream=True), "stream"),
        (lambda c: c.audio.transcriptions.create(file=AUDIO, response_format=3), "response_format"),
        (
            lambda c: c.audio.transcriptions.create(
                file=AUDIO, timestamp_granularities=["word", "segment"]
            ),
            "timestamp_granularities",
        ),
        (lambda c: c.audio.speech.create(input="", voice="alloy"), "input"),
        (lambda c: c.audio.speech.create(input="hi", voice=None), "voice"),
        (lambda c: c.moderations.create(input=""), "input"),
        (lambda c: c.moderations.create(input=42), "input"),
        (lambda c: c.models.retrieve(""), "model"),
        (lambda c: c.models.delete(None), "model"),
        (lambda c: c.images.generate(prompt="x", model=5), "model"),
    ],
)
def test_endpoint_bad_input_is_refused_before_sending(
    stub: ProviderStub, call: Any, field: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        call(hosted(stub))
    assert caught.value.field == field
    assert stub.requests() == []


def test_model_ids_are_quoted(recorder: Recorder) -> None:
    Portkey(base_url=recorder.url).models.retrieve("ft:gpt-4o:org/custom")
    assert recorder.seen[-1][:2] == ("GET", "/v1/models/ft%3Agpt-4o%3Aorg%2Fcustom")
