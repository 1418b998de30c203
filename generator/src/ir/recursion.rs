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
/// index of every node.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
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

fn box_within(r: &mut TypeRef, me: usize, comp: &[usize]) {
    match r {
        TypeRef::Named(id) if comp[id.0] == comp[me] => {
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
    let next = |i: usize| match &types[i].kind {
        TypeKind::Alias(TypeRef::Named(id)) if matches!(types[id.0].kind, TypeKind::Alias(_)) => {
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
                    .map(|&i| types[i].origin.as_str())
                    .collect();
                let pointer = Pointer::from_ref(&types[start].origin).unwrap_or_else(Pointer::root);
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
                    .filter(|id| matches!(types[id.0].kind, TypeKind::Alias(_)))
                    .map(|id| id.0)
                    .collect()
            }
            _ => Vec::new(),
        })
        .collect();
    let comp = components(&alias_edges);
    let cyclic = cyclic_nodes(&alias_edges, &comp);
    for i in cyclic {
        if let TypeKind::Alias(r) = &types[i].kind {
            types[i].kind = TypeKind::Newtype(r.clone());
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
        for r in types[i].kind.refs_mut() {
            box_within(r, i, &comp);
        }
    }
    Ok(())
}

fn cyclic_nodes(edges: &[Vec<usize>], comp: &[usize]) -> Vec<usize> {
    let mut size = vec![0usize; edges.len()];
    for &c in comp {
        if c < size.len() {
            size[c] += 1;
        }
    }
    (0..edges.len())
        .filter(|&i| size[comp[i]] > 1 || edges[i].contains(&i))
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
