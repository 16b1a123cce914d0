"""Strict wire reads a path parameter's raw text from segment positions computed once per
operation; it finds exactly what splitting the template and `request.url.path` finds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from litestar.datastructures import URL

from entrypoints.http.strict_wire import _checks, _raw_path_values

SEGMENT = st.text(alphabet="ab1+_.{}%", min_size=0, max_size=4)
NAME = st.sampled_from(["{customer_id}", "{job_id}", "{id}"])


def _split_each_request(template: str, path: str) -> Mapping[str, str]:
    """The per-request reading: split the template and the URL's path, pair the segments."""
    names, values = template.strip("/").split("/"), path.strip("/").split("/")
    if len(names) != len(values):
        return {}
    return {n[1:-1]: v for n, v in zip(names, values, strict=True) if n.startswith("{")}


@given(
    template=st.lists(st.one_of(SEGMENT, NAME), min_size=1, max_size=5).map(
        lambda parts: "/" + "/".join(parts)
    ),
    path=st.lists(SEGMENT, min_size=0, max_size=6).map(lambda parts: "/" + "/".join(parts)),
    root_path=st.sampled_from(["", "/api", "/api/v1"]),
)
def test_positions_find_what_splitting_the_url_path_finds(
    template: str, path: str, root_path: str
) -> None:
    scope: Any = {"type": "http", "path": path, "root_path": root_path, "headers": []}
    by_url = _split_each_request(template, URL.from_scope(scope).path)
    assert _raw_path_values(_checks(template, {}), scope) == by_url


def test_a_customer_id_is_read_from_its_segment() -> None:
    checks = _checks("/customers/{customer_id}/jobs", {("path", "customer_id"): "integer"})
    scope = {"path": "/customers/+7/jobs", "root_path": ""}
    assert _raw_path_values(checks, scope) == {"customer_id": "+7"}
    assert _raw_path_values(checks, {"path": "/customers/7", "root_path": ""}) == {}
