"""File uploads through the real gateway: multipart ``files.create`` (and container files),
and ``uploads.upload_file_chunked`` sending a file in parts with progress, cancelling the
upload when a part fails, and refusing bad input before anything is sent."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, List, Tuple

import pytest
from platform_support import TARGET, gateway_client, multipart_fields, resolve
from provider_stub import ProviderStub, status

from portkey import InternalServerError, InvalidRequestError
from portkey.api_resources.platform_types import ContainerFile, FileObject, Upload

DATA = bytes(range(256)) * 40  # 10240 bytes
PART = 4096


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_files_create_sends_multipart(
    use_async: bool, gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"messages": []}\n')
    stub.script(TARGET, status(200, json_body={"id": "file_1", "object": "file", "bytes": 17}))
    created = await resolve(client.files.create(file=path, purpose="fine-tune"))
    assert isinstance(created, FileObject) and created.id == "file_1"
    record = stub.requests(TARGET)[0]
    assert (record.method, record.endpoint) == ("POST", "/files")
    fields = multipart_fields(record)
    assert fields["purpose"] == (None, b"fine-tune")
    assert fields["file"] == ("train.jsonl", b'{"messages": []}\n')


@pytest.mark.parametrize(
    ("given", "name", "content"),
    [
        (b"raw", "upload", b"raw"),
        (("batch.jsonl", b"{}\n"), "batch.jsonl", b"{}\n"),
        (io.BytesIO(b"from a file object"), "upload", b"from a file object"),
    ],
    ids=["bytes", "tuple", "file-object"],
)
def test_files_create_accepts_file_kinds(
    given: Any, name: str, content: bytes, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, status(200, json_body={"id": "file_2"}))
    client.files.create(file=given, purpose="batch")
    assert multipart_fields(stub.requests(TARGET)[0])["file"] == (name, content)


def test_container_file_upload_is_multipart(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, status(200, json_body={"id": "cfile_1", "container_id": "cntr_1"}))
    created = client.containers.files.create("cntr_1", file=("data.csv", b"a,b\n1,2\n"))
    assert isinstance(created, ContainerFile)
    record = stub.requests(TARGET)[0]
    assert record.endpoint == "/containers/cntr_1/files"
    assert multipart_fields(record)["file"] == ("data.csv", b"a,b\n1,2\n")


def script_chunked_upload(stub: ProviderStub, parts: int) -> None:
    stub.script(
        TARGET,
        status(200, json_body={"id": "upload_1", "object": "upload", "status": "pending"}),
        *[
            status(200, json_body={"id": f"part_{n}", "object": "upload.part"})
            for n in range(parts)
        ],
        status(
            200,
            json_body={"id": "upload_1", "status": "completed", "file": {"id": "file_9"}},
        ),
    )


def check_chunked_requests(stub: ProviderStub, filename: str, data: bytes) -> None:
    records = stub.requests(TARGET)
    create, *parts, complete = records
    assert (create.method, create.endpoint) == ("POST", "/uploads")
    assert create.json == {
        "bytes": len(data),
        "filename": filename,
        "mime_type": "application/jsonl",
        "purpose": "batch",
    }
    assert [p.endpoint for p in parts] == ["/uploads/upload_1/parts"] * 3
    sent = [multipart_fields(p)["data"][1] for p in parts]
    assert [len(s) for s in sent] == [PART, PART, len(data) - 2 * PART]
    assert b"".join(sent) == data
    assert (complete.method, complete.endpoint) == ("POST", "/uploads/upload_1/complete")
    assert complete.json == {"part_ids": ["part_0", "part_1", "part_2"], "md5": "abc"}


@pytest.mark.parametrize("source", ["bytes", "path", "file-object"])
def test_upload_file_chunked_with_progress(
    source: str, gateway_url: str, stub: ProviderStub, tmp_path: Path
) -> None:
    client = gateway_client(gateway_url, stub)
    path = tmp_path / "big.jsonl"
    path.write_bytes(DATA)
    given: Any = {"bytes": DATA, "path": path, "file-object": io.BytesIO(DATA)}[source]
    filename = "big.jsonl" if source == "path" else "upload"
    progress: List[Tuple[int, int]] = []
    script_chunked_upload(stub, parts=3)
    upload = client.uploads.upload_file_chunked(
        file=given,
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        md5="abc",
        on_progress=lambda sent, total: progress.append((sent, total)),
    )
    assert isinstance(upload, Upload)
    assert upload.status == "completed" and upload.file is not None
    assert upload.file.id == "file_9"
    assert progress == [(4096, 10240), (8192, 10240), (10240, 10240)]
    check_chunked_requests(stub, filename, DATA)


async def test_async_upload_file_chunked(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub, use_async=True)
    progress: List[Tuple[int, int]] = []
    script_chunked_upload(stub, parts=3)
    upload = await client.uploads.upload_file_chunked(
        file=DATA,
        mime_type="application/jsonl",
        purpose="batch",
        part_size=PART,
        md5="abc",
        on_progress=lambda sent, total: progress.append((sent, total)),
    )
    assert upload.file is not None and upload.file.id == "file_9"
    assert progress[-1] == (10240, 10240) and len(progress) == 3
    check_chunked_requests(stub, "upload", DATA)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
async def test_a_failed_part_cancels_the_upload(
    use_async: bool, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    stub.script(
        TARGET,
        status(200, json_body={"id": "upload_1", "status": "pending"}),
        status(200, json_body={"id": "part_0"}),
        status(500),
        status(200, json_body={"id": "upload_1", "status": "cancelled"}),
    )
    progress: List[Tuple[int, int]] = []
    with pytest.raises(InternalServerError):
        await resolve(
            client.uploads.upload_file_chunked(
                file=DATA,
                mime_type="text/plain",
                purpose="batch",
                part_size=PART,
                on_progress=lambda sent, total: progress.append((sent, total)),
            )
        )
    endpoints = [(r.method, r.endpoint) for r in stub.requests(TARGET)]
    assert endpoints == [
        ("POST", "/uploads"),
        ("POST", "/uploads/upload_1/parts"),
        ("POST", "/uploads/upload_1/parts"),
        ("POST", "/uploads/upload_1/cancel"),
    ]
    assert progress == [(4096, 10240)]


BAD_CHUNKED = [
    ("empty", {"file": b""}, "file"),
    ("no such path", {"file": "/no/such/file.jsonl"}, "file"),
    ("part too big", {"part_size": 64 * 1024 * 1024 + 1}, "part_size"),
    ("part zero", {"part_size": 0}, "part_size"),
    ("no mime type", {"mime_type": ""}, "mime_type"),
    ("no purpose", {"purpose": None}, "purpose"),
    ("not a file", {"file": 42}, "file"),
]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(("name", "change", "field"), BAD_CHUNKED, ids=[b[0] for b in BAD_CHUNKED])
async def test_chunked_upload_bad_input(
    name: str, change: Any, field: str, use_async: bool, gateway_url: str, stub: ProviderStub
) -> None:
    client = gateway_client(gateway_url, stub, use_async=use_async)
    arguments = {"file": DATA, "mime_type": "text/plain", "purpose": "batch", **change}
    with pytest.raises(InvalidRequestError) as caught:
        await resolve(client.uploads.upload_file_chunked(**arguments))
    assert caught.value.field == field
    assert stub.requests() == []


def test_upload_parts_create_sends_the_data_field(gateway_url: str, stub: ProviderStub) -> None:
    client = gateway_client(gateway_url, stub)
    stub.script(TARGET, status(200, json_body={"id": "part_7", "upload_id": "upload_1"}))
    part = client.uploads.parts.create("upload_1", data=b"chunk")
    assert part.id == "part_7"
    record = stub.requests(TARGET)[0]
    assert record.endpoint == "/uploads/upload_1/parts"
    assert multipart_fields(record)["data"][1] == b"chunk"
