//! What each generated type derives, decided once: the renderer writes these
//! `#[derive]`s and the surface records them, so a derive a spec change takes
//! away (`Default` when a field becomes required, `Eq` when a number appears)
//! is a reported change.

use serde::Serialize;

use super::{Api, Prim, Scalar, TypeKind, TypeRef};

/// A standard trait a generated type derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Derive {
    /// `Debug`
    Debug,
    /// `Clone`
    Clone,
    /// `Copy`
    Copy,
    /// `Default`
    Default,
    /// `PartialEq`
    PartialEq,
    /// `Eq`
    Eq,
    /// `Hash`
    Hash,
    /// `PartialOrd`
    PartialOrd,
    /// `Ord`
    Ord,
}

impl Derive {
    /// The trait's name.
    pub fn name(self) -> &'static str {
        match self {
            Derive::Debug => "Debug",
            Derive::Clone => "Clone",
            Derive::Copy => "Copy",
            Derive::Default => "Default",
            Derive::PartialEq => "PartialEq",
            Derive::Eq => "Eq",
            Derive::Hash => "Hash",
            Derive::PartialOrd => "PartialOrd",
            Derive::Ord => "Ord",
        }
    }
}

impl Api {
    /// What each type derives, by id (aliases derive nothing of their own):
    /// `Debug`, `Clone` and `PartialEq` always; `Eq` and `Hash` where no
    /// floating-point number is reachable ([`Api::eq_hashable`]); `Default`
    /// for structs whose fields all have one ([`Api::has_default`]) and for
    /// constants; `Copy` and the orderings for enums and constants.
    pub fn derives(&self) -> Vec<Vec<Derive>> {
        use Derive::*;
        let eq_hash = self.eq_hashable();
        self.types
            .iter()
            .zip(eq_hash)
            .map(|(t, eq_hash)| {
                let mut list = match &t.kind {
                    TypeKind::Struct(s) => {
                        let mut list = vec![Debug, Clone, PartialEq];
                        if s.fields.iter().all(|f| self.has_default(f)) {
                            list.push(Default);
                        }
                        list
                    }
                    TypeKind::Union(_) | TypeKind::Newtype(_) => vec![Debug, Clone, PartialEq],
                    TypeKind::Enum(e) => match e.scalar {
                        Scalar::String | Scalar::Boolean => {
                            vec![Debug, Clone, PartialEq, PartialOrd, Ord]
                        }
                        Scalar::Integer => vec![Debug, Clone, Copy, PartialEq, PartialOrd, Ord],
                        Scalar::Number => vec![Debug, Clone, Copy, PartialEq, PartialOrd],
                    },
                    TypeKind::Const(c) => match c.scalar {
                        Scalar::Number => vec![Debug, Clone, Copy, Default, PartialEq, PartialOrd],
                        _ => vec![Debug, Clone, Copy, Default, PartialEq, PartialOrd, Ord],
                    },
                    TypeKind::Alias(_) => return Vec::new(),
                };
                if eq_hash {
                    list.extend([Eq, Hash]);
                }
                list.sort();
                list
            })
            .collect()
    }

    /// Which types can derive `Eq` and `Hash` (by id): those holding no
    /// floating-point number anywhere, followed through fields, variants and
    /// aliases (recursive types included).
    pub fn eq_hashable(&self) -> Vec<bool> {
        fn ok(r: &TypeRef, table: &[bool]) -> bool {
            match r {
                TypeRef::Named(id) => table.get(id.0).copied().unwrap_or(false),
                TypeRef::Prim(p) => *p != Prim::F64,
                TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Boxed(t) => {
                    ok(t, table)
                }
                TypeRef::Tuple(ts) => ts.iter().all(|t| ok(t, table)),
                TypeRef::Any => true,
            }
        }
        let mut table = vec![true; self.types.len()];
        loop {
            let mut changed = false;
            for (i, t) in self.types.iter().enumerate() {
                if !table.get(i).copied().unwrap_or(false) {
                    continue;
                }
                let fine = match &t.kind {
                    TypeKind::Enum(e) => e.scalar != Scalar::Number,
                    TypeKind::Const(c) => c.scalar != Scalar::Number,
                    kind => kind.refs().into_iter().all(|r| ok(r, &table)),
                };
                if !fine {
                    if let Some(slot) = table.get_mut(i) {
                        *slot = false;
                    }
                    changed = true;
                }
            }
            if !changed {
                return table;
            }
        }
    }
}
