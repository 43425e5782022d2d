//! Who held which role: the roles a severity requires, exclusive roles, and handoffs between
//! people the record lists.

use super::{has_unknown_role, person_key, Index};
use crate::diag::Diagnostic;
use crate::record::{At, EventKind, Record};
use std::collections::{HashMap, HashSet};

/// `missing-role` / `too-few-in-role`: a role the severity requires is not held, or is held by
/// fewer people than required.
pub(super) fn required_roles(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if !record.is_incident() || record.damaged || has_unknown_role(ix.policy(), record) {
        return;
    }
    let (Some(severity), Some(written)) = (ix.severity_of(record), &record.severity) else { return };
    for (required, count, _) in &severity.required_roles {
        let Some(role) = ix.policy().role(required) else { continue };
        let mut holders: HashSet<String> = HashSet::new();
        let mut first_entry = None;
        for assignment in record.roles.iter().filter(|a| ix.policy().role(&a.role).is_some_and(|r| r.id == role.id)) {
            first_entry.get_or_insert(assignment.role.pos);
            holders.extend(assignment.people.iter().map(|p| person_key(p)));
        }
        let held = holders.len();
        if held >= *count as usize {
            continue;
        }
        let d = match first_entry {
            None => Diagnostic::error(
                &record.path,
                written.pos,
                "missing-role",
                format!(
                    "{} requires the role {} (`{}`), but `roles` names nobody for it",
                    severity.id, role.name, role.id
                ),
            )
            .with_hint(format!("add `{}: <name>` under `roles`", role.id)),
            Some(pos) => Diagnostic::error(
                &record.path,
                pos,
                "too-few-in-role",
                format!(
                    "{} requires {count} people as {} (`{}`), but {held} {} listed",
                    severity.id,
                    role.name,
                    role.id,
                    if held == 1 { "is" } else { "are" }
                ),
            ),
        };
        out.push(d);
    }
}

/// `exclusive-role` (warning): a person holds an exclusive role and another role.
pub(super) fn exclusive_roles(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    // Each person, in order of first mention: their roles (by id; an unknown role by its name) and
    // the entry naming them under an exclusive role.
    let mut order: Vec<String> = Vec::new();
    let mut held: HashMap<String, (Vec<String>, Option<&At<String>>, Option<String>)> = HashMap::new();
    for assignment in &record.roles {
        let role = ix.policy().role(&assignment.role);
        let id = role.map(|r| r.id.clone()).unwrap_or_else(|| assignment.role.value.clone());
        let exclusive = role.is_some_and(|r| r.exclusive);
        for person in &assignment.people {
            let key = person_key(person);
            let entry = held.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                (Vec::new(), None, None)
            });
            if !entry.0.contains(&id) {
                entry.0.push(id.clone());
            }
            if exclusive && entry.1.is_none() {
                entry.1 = Some(person);
                entry.2 = Some(id.clone());
            }
        }
    }
    for key in &order {
        let Some((roles, Some(person), Some(exclusive))) = held.get(key) else { continue };
        if roles.len() < 2 {
            continue;
        }
        let others: Vec<String> = roles.iter().filter(|r| *r != exclusive).map(|r| format!("`{r}`")).collect();
        out.push(
            Diagnostic::warning(
                &record.path,
                person.pos,
                "exclusive-role",
                format!("{} holds `{exclusive}`, an exclusive role, and also {}", person.value, others.join(", ")),
            )
            .with_hint(format!("someone holding `{exclusive}` holds no other role in the same incident")),
        );
    }
}

/// `handoff-not-in-roles` (warning): a `handoff` whose `from` or `to` is not listed under that
/// role in `roles`.
pub(super) fn handoff_people(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if record.damaged || has_unknown_role(ix.policy(), record) {
        return;
    }
    for event in record.timeline.iter().filter(|e| e.kind == EventKind::Handoff) {
        let Some(role) = event.role.as_deref().and_then(|r| ix.policy().role(r)) else { continue };
        let holders: HashSet<String> = record.holders(ix.policy(), &role.id).into_iter().map(person_key).collect();
        let missing: Vec<String> = [&event.from, &event.to]
            .into_iter()
            .flatten()
            .filter(|p| !holders.contains(&person_key(p)))
            .map(|p| format!("`{p}`"))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let (who, verb) = if missing.len() == 1 { (missing[0].clone(), "is") } else { (missing.join(" and "), "are") };
        out.push(
            Diagnostic::warning(
                &record.path,
                event.pos,
                "handoff-not-in-roles",
                format!("this handoff of `{}` names {who}, who {verb} not listed under it in `roles`", role.id),
            )
            .with_hint(format!("list everyone who held the role under `roles: {{{}: [...]}}`", role.id)),
        );
    }
}
