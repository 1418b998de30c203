//! Recursive types: references on a cycle of direct containment are boxed, and
//! aliases on a cycle become newtypes (Rust's `type` cannot refer to itself).
//! A cycle of bare aliases (`A: {$ref: B}`, `B: {$ref: A}`) describes no value
//! at all and is an error naming the cycle.
//!
//! Direct containment: a struct field or union variant holding the type itself
//! or in an `Option`; `Vec` and maps already give the type a size and do not count.

use std::collections::BTreeSet;

use super::*;
use crate::error::{Error, Pointer, Result};

fn direct_edges(r: &TypeRef, out: &mut BTreeSet<TypeId>) {
    match r {
        TypeRef::Named(id) => {
            out.insert(*id);
        }
        TypeRef::Option(t) => direct_edges(t, out),
        TypeRef::Tuple(ts) => ts.iter().for_each(|t| direct_edges(t, out)),
        TypeRef::Array(_)
        | TypeRef::Map(_)
        | TypeRef::Boxed(_)
        | TypeRef::Prim(_)
        | TypeRef::Any => {}
    }
}

/// Tarjan's strongly connected components, iteratively; returns the component
/// index of every node. Edges to nodes outside `0..edges.len()` are ignored.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![UNSEEN; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    let at = |v: &[usize], i: usize| v.get(i).copied().unwrap_or(UNSEEN);
    for start in 0..n {
        if at(&index, start) != UNSEEN {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && at(&index, v) == UNSEEN {
                set(&mut index, v, next_index);
                set(&mut low, v, next_index);
                next_index += 1;
                stack.push(v);
                set(&mut on_stack, v, true);
            }
            if let Some(&w) = edges.get(v).and_then(|e| e.get(*child)) {
                *child += 1;
                if w >= n {
                    continue;
                }
                if at(&index, w) == UNSEEN {
                    work.push((w, 0));
                } else if on_stack.get(w) == Some(&true) {
                    let l = at(&low, v).min(at(&index, w));
                    set(&mut low, v, l);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let l = at(&low, parent).min(at(&low, v));
                set(&mut low, parent, l);
            }
            if at(&low, v) == at(&index, v) {
                while let Some(w) = stack.pop() {
                    set(&mut on_stack, w, false);
                    set(&mut comp, w, next_comp);
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    comp
}

/// `v[i] = x` when `i` is in range.
fn set<T>(v: &mut [T], i: usize, x: T) {
    if let Some(slot) = v.get_mut(i) {
        *slot = x;
    }
}

fn box_within(r: &mut TypeRef, me: usize, comp: &[usize]) {
    match r {
        TypeRef::Named(id) if comp.get(id.0).is_some() && comp.get(id.0) == comp.get(me) => {
            let inner = std::mem::replace(r, TypeRef::Any);
            *r = TypeRef::Boxed(Box::new(inner));
        }
        TypeRef::Option(t) => box_within(t, me, comp),
        TypeRef::Tuple(ts) => ts.iter_mut().for_each(|t| box_within(t, me, comp)),
        _ => {}
    }
}

/// The first cycle of bare aliases (each exactly another alias), as an error
/// listing its schemas in order, starting from the first in the document.
fn bare_alias_cycle(types: &[TypeDef]) -> Result<()> {
    let def = |i: usize| lookup(types, TypeId(i));
    let next = |i: usize| match &def(i).kind {
        TypeKind::Alias(TypeRef::Named(id)) if matches!(def(id.0).kind, TypeKind::Alias(_)) => {
            Some(id.0)
        }
        _ => None,
    };
    for start in 0..types.len() {
        let mut path = vec![start];
        let mut at = start;
        while let Some(n) = next(at) {
            if n == start {
                let chain: Vec<&str> = path
                    .iter()
                    .chain([&start])
                    .map(|&i| def(i).origin.as_str())
                    .collect();
                let pointer = Pointer::from_ref(&def(start).origin).unwrap_or_else(Pointer::root);
                return Err(Error::invalid(
                    &pointer,
                    format!(
                        "these schemas only refer to each other, so no value can have them: {}",
                        chain.join(" -> ")
                    ),
                ));
            }
            if path.len() > types.len() || path.contains(&n) {
                break; // a cycle not through `start`: reported from its first member
            }
            path.push(n);
            at = n;
        }
    }
    Ok(())
}

/// Boxes references on containment cycles and turns cyclic aliases into newtypes.
pub(super) fn break_cycles(types: &mut [TypeDef]) -> Result<()> {
    bare_alias_cycle(types)?;
    // Aliases first: an alias cycle through any wrapper is an error in Rust.
    let alias_edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Alias(r) => {
                let mut out = BTreeSet::new();
                direct_named(r, &mut out);
                out.into_iter()
                    .filter(|id| matches!(lookup(types, *id).kind, TypeKind::Alias(_)))
                    .map(|id| id.0)
                    .collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let comp = components(&alias_edges);
    let cyclic = cyclic_nodes(&alias_edges, &comp);
    for i in cyclic {
        if let Some(t) = types.get_mut(i) {
            if let TypeKind::Alias(r) = &t.kind {
                t.kind = TypeKind::Newtype(r.clone());
            }
        }
    }
    // Then containment cycles.
    let edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            let mut out = BTreeSet::new();
            for r in t.kind.refs() {
                direct_edges(r, &mut out);
            }
            out.into_iter().map(|id| id.0).collect()
        })
        .collect();
    let comp = components(&edges);
    for i in cyclic_nodes(&edges, &comp) {
        for r in types
            .get_mut(i)
            .map(|t| t.kind.refs_mut())
            .unwrap_or_default()
        {
            box_within(r, i, &comp);
        }
    }
    Ok(())
}

fn cyclic_nodes(edges: &[Vec<usize>], comp: &[usize]) -> Vec<usize> {
    let mut size = vec![0usize; edges.len()];
    for &c in comp {
        if let Some(s) = size.get_mut(c) {
            *s += 1;
        }
    }
    let size_of = |i: usize| comp.get(i).and_then(|&c| size.get(c)).copied().unwrap_or(0);
    edges
        .iter()
        .enumerate()
        .filter(|&(i, e)| size_of(i) > 1 || e.contains(&i))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn finds_cycles() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let c = components(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
