//! Benchmarks of `pallet-audit` (frame-benchmarking v2): an append to a block that holds all but
//! one record already, and a commitment over a full block.
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
            records = Pallet::<T>::commit(frame_system::Pallet::<T>::block_number());
        }
        assert_eq!(records.count, n);
    }

    impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
