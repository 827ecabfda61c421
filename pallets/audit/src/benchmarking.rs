//! Benchmarks of `pallet-audit` (frame-benchmarking v2): an append to a block that holds all but
//! one record already, a commitment over a full block, and the read of a block's events.
use super::*;
use crate::pallet::{Leaves, Pallet};
use frame_benchmarking::v2::*;
use frame_support::{traits::Get, BoundedVec};

fn fill<T: Config>(n: u32) {
    let leaves: Vec<H256> = (0..n).map(|i| leaf_hash(&i.encode())).collect();
    Leaves::<T>::put(BoundedVec::truncate_from(leaves));
}

#[benchmarks]
mod benchmarks {
    use super::*;

    #[benchmark]
    fn append() {
        let max = T::MaxRecordsPerBlock::get();
        fill::<T>(max.saturating_sub(1));
        let record = [7u8; 256];
        #[block]
        {
            Pallet::<T>::append_encoded(&record);
        }
        assert_eq!(Leaves::<T>::decode_len(), Some(max as usize));
    }

    #[benchmark]
    fn commit(n: Linear<0, { T::MaxRecordsPerBlock::get() }>) {
        fill::<T>(n);
        let records;
        #[block]
        {
            records = Pallet::<T>::commit(frame_system::Pallet::<T>::block_number(), Vec::new());
        }
        assert_eq!(records.count, n);
    }

    /// The block's events read for records: frame-system's own, which the runtime does not
    /// record, so that the cost measured is the read and decode of each.
    #[benchmark]
    fn scan_events(e: Linear<0, 2_000>) {
        frame_system::Pallet::<T>::set_block_number(1u32.into());
        let sender: T::AccountId = whitelisted_caller();
        for i in 0..e {
            frame_system::Pallet::<T>::deposit_event(frame_system::Event::<T>::Remarked {
                sender: sender.clone(),
                hash: H256::repeat_byte(i as u8),
            });
        }
        let read;
        #[block]
        {
            read = Pallet::<T>::record_events();
        }
        assert_eq!(read.0, e);
    }

    /// An event's record (a large one: 256 bytes) hashed and written offchain.
    #[benchmark]
    fn note_record() {
        let record = [7u8; 256];
        let leaf;
        #[block]
        {
            leaf = Pallet::<T>::note_record(&record);
        }
        assert_eq!(leaf, leaf_hash(&record));
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
