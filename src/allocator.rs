//! The global allocator: mimalloc, asked for a plain allocation whenever the alignment is one
//! every mimalloc block has.
//!
//! The `mimalloc` crate passes every request to `mi_malloc_aligned`, which in mimalloc 3 takes a
//! slower path than `mi_malloc` (and for blocks over 1 KB a generic one that over-allocates):
//! ~2 % of a build's instructions went there. Every mimalloc block is a whole number of machine
//! words from a page start aligned to 16 bytes, so a request aligned to a word or less is served
//! by the plain functions; only larger alignments take the aligned ones.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every mimalloc block has.
const WORD: usize = std::mem::size_of::<usize>();

pub struct Allocator;

// SAFETY: every function hands mimalloc a request it serves with the layout's size and at least
// its alignment (the plain functions only for alignments of a word or less, see the module doc),
// and frees only what it returned.
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            unsafe { mi::mi_malloc(layout.size()) as *mut u8 }
        } else {
            unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            unsafe { mi::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            unsafe { mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            unsafe { mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every size up to a few pages, at every alignment up to 4 KB, come back aligned,
    /// keep their bytes through a realloc, and are freed.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Allocator;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in (1..300).chain([1000, 1024, 1025, 4096, 70_000, 300_000]) {
                let layout = Layout::from_size_align(size, align).unwrap();
                unsafe {
                    for zeroed in [false, true] {
                        let p = if zeroed { a.alloc_zeroed(layout) } else { a.alloc(layout) };
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0, "size {size}, align {align}");
                        if zeroed {
                            assert!((0..size).all(|i| *p.add(i) == 0));
                        }
                        std::ptr::write_bytes(p, 0xA5, size);
                        let q = a.realloc(p, layout, size * 3);
                        assert_eq!(q as usize % align, 0, "realloc: size {size}, align {align}");
                        assert!((0..size).all(|i| *q.add(i) == 0xA5));
                        a.dealloc(q, Layout::from_size_align(size * 3, align).unwrap());
                    }
                }
            }
        }
    }
}
