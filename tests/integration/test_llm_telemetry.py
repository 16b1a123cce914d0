"""Each LLM answer reaches the metrics (calls, tokens, cost, cache hits) and each call to
the model is a span."""

from __future__ import annotations

from decimal import Decimal

from prometheus_client import REGISTRY

from adapters.cache.memory import MemoryCache
from application.llm.gateway import LlmGateway, Prices
from entrypoints.observability.metrics import PrometheusLlmMeter
from entrypoints.observability.traced_llm import TracedLlmClient
from tests.span_capture import spans  # noqa: F401  (fixture)
from tests.unit.test_llm_gateway import CountingClient, ask, facts


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_answers_are_counted_with_tokens_cost_and_cache_hits(spans) -> None:  # noqa: F811
    client = CountingClient(model="fake-model")
    gateway = LlmGateway(
        TracedLlmClient(client),
        MemoryCache(),
        ttl_seconds=60,
        prices=Prices(Decimal("0.01"), Decimal("0.03")),
        meter=PrometheusLlmMeter(),
    )
    task = "timeline_summary.v1"
    labels = {"task": task, "degraded": "false"}
    before = {
        "miss": sample("fieldcrm_llm_answers_total", cache="miss", **labels),
        "hit": sample("fieldcrm_llm_answers_total", cache="hit", **labels),
        "prompt": sample("fieldcrm_llm_tokens_total", kind="prompt"),
        "cost": sample("fieldcrm_llm_estimated_cost_total"),
    }
    await ask(gateway, facts())
    await ask(gateway, facts())  # from the cache
    assert client.calls == 1
    assert sample("fieldcrm_llm_answers_total", cache="miss", **labels) - before["miss"] == 1
    assert sample("fieldcrm_llm_answers_total", cache="hit", **labels) - before["hit"] == 1
    assert sample("fieldcrm_llm_tokens_total", kind="prompt") - before["prompt"] == 1000
    # 1000 prompt tokens at 0.01 + 500 completion tokens at 0.03 per 1,000
    cost = sample("fieldcrm_llm_estimated_cost_total") - before["cost"]
    assert abs(cost - 0.025) < 1e-9

    (call,) = [s for s in spans.get_finished_spans() if s.name == "llm.complete"]
    assert call.attributes["gen_ai.request.model"] == "fake-model"
    assert call.attributes["gen_ai.usage.input_tokens"] == 1000
