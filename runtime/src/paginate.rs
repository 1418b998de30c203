//! Pagination: a lazy [`Stream`] of pages, and of the items on them, for list
//! operations the spec marks as paginated (page number + page size).

use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt};

use crate::Error;

/// A page of a paginated list response.
pub trait Page {
    /// The listed item.
    type Item;
    /// The items on this page.
    fn into_items(self) -> Vec<Self::Item>;
    /// The items on this page, without consuming it.
    fn item_count(&self) -> usize;
    /// The last page number, when the response says.
    fn max_page(&self) -> Option<i64>;
}

/// Fetches pages `start`, `start + 1`, ... lazily with `fetch`, stopping after
/// the last page (by `max_page`), at an empty page, or after an error.
pub fn pages<P, E, F, Fut>(start: i64, fetch: F) -> impl Stream<Item = Result<P, Error<E>>>
where
    P: Page,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<P, Error<E>>>,
{
    stream::unfold((fetch, Some(start)), |(mut fetch, next)| async move {
        let page_no = next?;
        match fetch(page_no).await {
            Ok(page) => {
                let more = page.item_count() > 0 && page.max_page().is_none_or(|max| page_no < max);
                let next = if more { page_no.checked_add(1) } else { None };
                Some((Ok(page), (fetch, next)))
            }
            Err(e) => Some((Err(e), (fetch, None))),
        }
    })
}

/// The items of a stream of pages, in order.
pub fn items<P, E>(
    pages: impl Stream<Item = Result<P, Error<E>>>,
) -> impl Stream<Item = Result<P::Item, Error<E>>>
where
    P: Page,
{
    pages.flat_map(|page| match page {
        Ok(p) => stream::iter(p.into_items().into_iter().map(Ok)).left_stream(),
        Err(e) => stream::iter(vec![Err(e)]).right_stream(),
    })
}
