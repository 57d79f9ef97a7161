"""``skills``: bundles of instructions and files that models can use, their ``versions`` and
the ``content`` (a zip) of each.

``create`` and ``versions.create`` upload ``files`` as ``multipart/form-data``: one file per
request (a zip of the skill's folder, or a single ``SKILL.md``).
"""

from functools import cached_property

from ..responses import BinaryResponse
from ..surface_types import Skill, SkillVersion
from .crud import (
    AsyncDeletable,
    AsyncListable,
    AsyncResource,
    AsyncRetrievable,
    AsyncUpdatable,
    Deletable,
    Endpoint,
    Listable,
    Retrievable,
    SyncResource,
    Updatable,
)
from .verbs import Verb

SKILLS = Endpoint("/skills", Skill, id_name="skill_id")
SKILL_VERSIONS = Endpoint("/skills/{skill_id}/versions", SkillVersion, id_name="version")
CREATE_SKILL = Verb("POST", "", Skill, on_item=False, required=("files",), files=("files",))
CREATE_VERSION = Verb(
    "POST", "", SkillVersion, on_item=False, required=("files",), files=("files",)
)
#: ``GET .../content``: the skill (or version) as a zip, as bytes.
CONTENT = Verb("GET", "content", BinaryResponse, binary=True)


class ContentVerbs:
    """``retrieve``: the zip of a skill, or of one version."""

    retrieve = CONTENT


class SkillContent(ContentVerbs, SyncResource):
    """``client.skills.content``: ``retrieve(skill_id)``."""

    endpoint = SKILLS


class VersionContent(ContentVerbs, SyncResource):
    """``client.skills.versions.content``: ``retrieve(version, skill_id=...)``."""

    endpoint = SKILL_VERSIONS


class Versions(Listable[SkillVersion], Retrievable[SkillVersion], Deletable):
    """``client.skills.versions`` (keyed by ``skill_id``): ``create(skill_id, files=...)``,
    ``list``, ``retrieve``, ``delete``; ``content``."""

    endpoint = SKILL_VERSIONS
    create = CREATE_VERSION

    @cached_property
    def content(self) -> VersionContent:
        """A version's files."""
        return VersionContent(self._client)


class Skills(Listable[Skill], Retrievable[Skill], Updatable[Skill], Deletable):
    """``client.skills``: ``create(files=...)``, ``list``, ``retrieve``,
    ``update(skill_id, default_version=...)``, ``delete``; ``versions`` and ``content``."""

    endpoint = SKILLS
    create = CREATE_SKILL

    @cached_property
    def versions(self) -> Versions:
        """The versions of a skill."""
        return Versions(self._client)

    @cached_property
    def content(self) -> SkillContent:
        """A skill's files."""
        return SkillContent(self._client)


class AsyncSkillContent(ContentVerbs, AsyncResource):
    """Async twin of :class:`SkillContent`."""

    endpoint = SKILLS


class AsyncVersionContent(ContentVerbs, AsyncResource):
    """Async twin of :class:`VersionContent`."""

    endpoint = SKILL_VERSIONS


class AsyncVersions(AsyncListable[SkillVersion], AsyncRetrievable[SkillVersion], AsyncDeletable):
    """Async twin of :class:`Versions`."""

    endpoint = SKILL_VERSIONS
    create = CREATE_VERSION

    @cached_property
    def content(self) -> AsyncVersionContent:
        """A version's files."""
        return AsyncVersionContent(self._client)


class AsyncSkills(
    AsyncListable[Skill], AsyncRetrievable[Skill], AsyncUpdatable[Skill], AsyncDeletable
):
    """Async twin of :class:`Skills`."""

    endpoint = SKILLS
    create = CREATE_SKILL

    @cached_property
    def versions(self) -> AsyncVersions:
        """The versions of a skill."""
        return AsyncVersions(self._client)

    @cached_property
    def content(self) -> AsyncSkillContent:
        """A skill's files."""
        return AsyncSkillContent(self._client)
