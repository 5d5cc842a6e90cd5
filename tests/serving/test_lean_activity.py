"""The participant server watches each kernel's activity from its status messages only.

jupyter_server unpacks every IOPub message of every kernel a second time to note activity
(signature, JSON, dates); with 60 phones that was a third of the server's CPU. Here a real
kernel sends widget (comm) messages and runs a cell: the activity watcher receives the
status messages, still tracks busy and idle and the last activity, and never the comm ones.
"""

from __future__ import annotations

import asyncio

import pytest

from codesign_widgets.serving.voila_main import ACTIVITY_TOPIC, _install_lean_activity

pytestmark = pytest.mark.slow

CELL = """
from comm import create_comm
c = create_comm(target_name="codesign-test")
for i in range(20):
    c.send({"i": i})
"""


def test_the_activity_watcher_gets_status_messages_and_no_widget_traffic(tmp_path):
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    _install_lean_activity()
    _install_lean_activity()  # twice: patched once

    async def run() -> tuple[list[bytes], str, float, float]:
        km = AsyncMappingKernelManager(root_dir=str(tmp_path))
        kernel_id = await km.start_kernel()
        kernel = km.get_kernel(kernel_id)
        topics: list[bytes] = []
        stream = kernel._activity_stream
        recorded = stream._recv_callback

        def counting(msg_list):
            topics.append(bytes(msg_list[0]))
            recorded(msg_list)

        stream.on_recv(counting)
        client = kernel.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            before = kernel.last_activity
            reply = await client.execute_interactive(CELL, timeout=60)
            assert reply["content"]["status"] == "ok"
            for _ in range(50):  # the watcher's last messages
                await asyncio.sleep(0.1)
                if kernel.execution_state == "idle" and topics:
                    break
            return topics, kernel.execution_state, before, kernel.last_activity
        finally:
            client.stop_channels()
            await km.shutdown_kernel(kernel_id, now=True)

    topics, state, before, after = asyncio.run(run())
    assert topics, "the watcher received nothing"
    assert all(t.startswith(ACTIVITY_TOPIC) for t in topics), topics
    assert any(t.endswith(b".status") for t in topics)
    assert state == "idle"
    assert after > before
