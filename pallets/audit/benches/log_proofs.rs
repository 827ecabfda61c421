//! What proving one record of the audit trail costs, for logs of 10^3 and 10^6 records: the
//! record's path in its block, its block's leaf, and the MMR proof of that leaf in a log of one
//! leaf a block (polkadot-sdk's `pallet-mmr` scheme, checked here with `pallet_mmr`'s own
//! verifier), at 1, 10 and 100 records a block; and the median time to check both (a record's
//! path, then its leaf in the log). The finality proof of the header that carries the log root
//! comes on top, once per export (`docs/audit.md`).
//!
//! `cargo bench -p pallet-audit --bench log_proofs` (scripts/bench-audit.sh); sizes are the same
//! in any build, times only mean something in release.
use bpci_verifier::audit::{leaf_hash, prove, records_root, verify, AuditLeaf, BlockRecords};
use codec::Encode;
use sp_core::H256;
use sp_mmr_primitives::{mmr_lib, DataOrHash, LeafProof};
use sp_runtime::traits::{BlakeTwo256, Hash};
use std::time::{Duration, Instant};

type Node = DataOrHash<BlakeTwo256, AuditLeaf>;

/// pallet-mmr's merge: BLAKE2-256 of the two children's hashes.
struct Merge;
impl mmr_lib::Merge for Merge {
    type Item = Node;
    fn merge(left: &Node, right: &Node) -> mmr_lib::Result<Node> {
        let mut concat = left.hash().as_ref().to_vec();
        concat.extend_from_slice(right.hash().as_ref());
        Ok(DataOrHash::Hash(BlakeTwo256::hash(&concat)))
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runs = 201;
    println!("| records | a block | leaves | record | path | leaf | log proof | total | check (median of {runs}) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for records in [1_000u64, 1_000_000] {
        for per_block in [1u64, 10, 100] {
            let blocks = records / per_block;
            // Every block holds records of a typical size (a partner event: an account, a hash,
            // a balance), so every block has the same commitment; the leaves differ by block.
            let block_records: Vec<Vec<u8>> =
                (0..per_block).map(|i| (0u8, 3u8, [i as u8; 32], H256::repeat_byte(9), 10u128.pow(15)).encode()).collect();
            let hashes: Vec<H256> = block_records.iter().map(|r| leaf_hash(r)).collect();
            let commitment = BlockRecords { count: per_block as u32, dropped: 0, root: records_root(hashes.iter().copied()) };
            let leaf_of = |n: u64| AuditLeaf { number: n as u32, hash: H256::from_low_u64_be(n + 1), records: commitment };
            let store = mmr_lib::util::MemStore::default();
            let mut mmr = mmr_lib::util::MemMMR::<Node, Merge>::new(0, &store);
            for n in 0..blocks {
                mmr.push(DataOrHash::Data(leaf_of(n))).expect("push");
            }
            let root = mmr.get_root().expect("root").hash();
            mmr.commit().expect("commit");
            let target = blocks / 2;
            let index = (per_block / 2) as u32;
            let proof = mmr.gen_proof(vec![mmr_lib::leaf_index_to_pos(target)]).expect("proof");
            let log_proof = LeafProof::<H256> {
                leaf_indices: vec![target],
                leaf_count: blocks,
                items: proof.proof_items().iter().map(|n| n.hash()).collect(),
            };
            let path = prove(&hashes, index).expect("a path");
            let record = &block_records[index as usize];
            let leaf = leaf_of(target);
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                let t = Instant::now();
                assert!(verify(&leaf.records, index, record, &path));
                pallet_mmr::verify_leaves_proof::<BlakeTwo256, AuditLeaf>(root, vec![DataOrHash::Data(leaf)], log_proof.clone())
                    .expect("pallet-mmr accepts the proof");
                times.push(t.elapsed());
            }
            // A changed leaf does not pass: the proof is pallet-mmr's, not a look-alike.
            let mut other = leaf;
            other.records.count += 1;
            assert!(pallet_mmr::verify_leaves_proof::<BlakeTwo256, AuditLeaf>(root, vec![DataOrHash::Data(other)], log_proof.clone()).is_err());
            let (r, p, l, m) = (record.len(), path.encode().len(), leaf.encode().len(), log_proof.encode().len());
            println!(
                "| {records} | {per_block} | {blocks} | {r} B | {p} B | {l} B | {m} B | {} B | {:.1} µs |",
                r + p + l + m,
                median(times).as_secs_f64() * 1e6
            );
        }
    }
}
