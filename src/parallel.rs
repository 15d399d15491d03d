//! Independent jobs spread over the machine's cores, with results in a fixed order, so that
//! output never depends on thread timing.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, in the order of `items`, computed on up to `max_threads` threads (the
/// calling one included). Items are started in the order of `schedule` (indexes into `items`,
/// the costliest first keeps every thread busy to the end), or in their own order. A thread
/// the system refuses is no error: the others take its items. A panic in `f` is raised again
/// here, as it would be on one thread.
pub(crate) fn map_in_order<T, R>(
    items: &[T],
    max_threads: usize,
    schedule: Option<&[usize]>,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R>
where
    T: Sync,
    R: Send,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(max_threads)
        .min(items.len());
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let n = next.fetch_add(1, Ordering::Relaxed);
            let i = match schedule {
                Some(order) => order.get(n).copied(),
                None => (n < items.len()).then_some(n),
            };
            let Some(item) = i.and_then(|i| items.get(i).map(|item| (i, item))) else {
                return done;
            };
            done.push((item.0, f(item.1)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().spawn_scoped(s, work).ok())
            .collect();
        let mut all = work();
        for h in helpers {
            match h.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_item_order_whatever_the_schedule() {
        let items: Vec<u64> = (0..200).collect();
        let slow_first: Vec<usize> = (0..items.len()).rev().collect();
        for schedule in [None, Some(slow_first.as_slice())] {
            let out = map_in_order(&items, 8, schedule, |&n| {
                // Uneven work, so the threads finish out of order.
                (0..(n % 7) * 1_000).fold(n, |a, _| std::hint::black_box(a))
            });
            assert_eq!(out, items);
        }
    }
}
