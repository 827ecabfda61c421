"""py-substrate-interface against a running bpci-node, unchanged: connect, read the chain's
properties and storage, sign a transfer and wait for its finality, read it back at its block, and
call BPCI's own RPC methods. Exits non-zero on the first failed check; at most 180 s."""
import signal
import sys

from substrateinterface import Keypair, SubstrateInterface


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print(f"ok - {msg}")


signal.signal(signal.SIGALRM, lambda *_: fail("timed out after 180 s"))
signal.alarm(180)

url = sys.argv[1] if len(sys.argv) > 1 else "ws://127.0.0.1:9944"
s = SubstrateInterface(url=url)
check(s.chain == "BPCI Development", f"system_chain ({s.chain})")
version = s.get_block_runtime_version(s.get_chain_head())
check(version["specName"] == "bpci", f"spec name bpci, version {version['specVersion']}")
check(s.token_symbol == "BPCI" and s.token_decimals == 12, "token BPCI with 12 decimals")
check(s.ss58_format == 42, "ss58 format 42")
ed = s.get_constant("Balances", "ExistentialDeposit").value
check(ed > 0, f"Balances.ExistentialDeposit constant ({ed})")

alice = Keypair.create_from_uri("//Alice", ss58_format=42)
bob = Keypair.create_from_uri("//Bob", ss58_format=42)
before = s.query("System", "Account", [bob.ss58_address]).value["data"]["free"]
amount = 3 * 10**12
call = s.compose_call("Balances", "transfer_keep_alive", {"dest": bob.ss58_address, "value": amount})
xt = s.create_signed_extrinsic(call=call, keypair=alice)
receipt = s.submit_extrinsic(xt, wait_for_finalization=True)
check(receipt.is_success, f"transfer finalized in {receipt.block_hash} ({receipt.error_message})")
check(any(e.value["event_id"] == "Transfer" for e in receipt.triggered_events), "its Balances.Transfer event")
after = s.query("System", "Account", [bob.ss58_address], block_hash=receipt.block_hash).value["data"]["free"]
check(after - before == amount, f"Bob received {amount} ({before} -> {after})")

finalized = s.get_chain_finalised_head()
block = s.get_block(block_hash=finalized)
check(block["header"]["number"] >= 1, f"finalized head #{block['header']['number']}")

status = s.rpc_request("bpci_consensusStatus", [])["result"]
check(status["role"] == "validator" and status["validators"] == 1, "bpci_consensusStatus answers")
partners = s.rpc_request("bpci_partners", [])["result"]
check(len(partners) == 2 and all(p["status"] == "Active" for p in partners), "bpci_partners: two Active genesis partners")
era = s.rpc_request("bpci_currentEra", [finalized])["result"]
check(era["length"] == 10 and era["mode"] == "Testnet", f"bpci_currentEra at the finalized head (era {era['index']})")
s.close()
