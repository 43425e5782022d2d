//! Who held which role: the roles a severity requires, exclusive roles, and handoffs between
//! people the record lists.

use super::{has_unknown_role, same_person, Index};
use crate::diag::Diagnostic;
use crate::record::{At, EventKind, Record};
use crate::schema::Role;

/// The distinct people (by [`same_person`]) listed under `role` in the record, and the position
/// of the first `roles` entry for it.
fn holders<'r>(ix: &Index, record: &'r Record, role: &Role) -> (Vec<&'r str>, Option<crate::diag::Pos>) {
    let mut people: Vec<&str> = Vec::new();
    let mut first = None;
    for assignment in record.roles.iter().filter(|a| ix.role(&a.role).is_some_and(|r| r.id == role.id)) {
        first.get_or_insert(assignment.role.pos);
        for person in &assignment.people {
            if !people.iter().any(|p| same_person(p, person)) {
                people.push(person);
            }
        }
    }
    (people, first)
}

/// `missing-role` / `too-few-in-role`: a role the severity requires is not held, or is held by
/// fewer people than required.
pub(super) fn required_roles(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if !record.is_incident() || record.damaged || has_unknown_role(ix, record) {
        return;
    }
    let (Some(severity), Some(written)) = (ix.severity_of(record), &record.severity) else { return };
    let required = ix.required_roles.get(severity.id.as_str()).map(Vec::as_slice).unwrap_or_default();
    for &(role, count) in required {
        let (people, first_entry) = holders(ix, record, role);
        let held = people.len();
        if held >= count as usize {
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

/// One person's roles in a record: role ids (an unknown role by its name), and the entry naming
/// them under an exclusive role.
struct Held<'r> {
    person: &'r At<String>,
    roles: Vec<&'r str>,
    exclusive: Option<(&'r At<String>, &'r str)>,
}

/// `exclusive-role` (warning): a person holds an exclusive role and another role.
pub(super) fn exclusive_roles(ix: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    if !record.roles.iter().any(|a| ix.role(&a.role).is_some_and(|r| r.exclusive)) {
        return;
    }
    let mut people: Vec<Held> = Vec::new();
    for assignment in &record.roles {
        let role = ix.role(&assignment.role);
        let id = role.map(|r| r.id.as_str()).unwrap_or(assignment.role.value.as_str());
        let exclusive = role.is_some_and(|r| r.exclusive);
        for person in &assignment.people {
            let i = match people.iter().position(|h| same_person(&h.person.value, person)) {
                Some(i) => i,
                None => {
                    people.push(Held { person, roles: Vec::new(), exclusive: None });
                    people.len() - 1
                }
            };
            let held = &mut people[i];
            if !held.roles.contains(&id) {
                held.roles.push(id);
            }
            if exclusive && held.exclusive.is_none() {
                held.exclusive = Some((person, id));
            }
        }
    }
    for held in &people {
        let Some((person, exclusive)) = held.exclusive else { continue };
        if held.roles.len() < 2 {
            continue;
        }
        let others: Vec<String> = held.roles.iter().filter(|r| **r != exclusive).map(|r| format!("`{r}`")).collect();
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
    if record.damaged || has_unknown_role(ix, record) {
        return;
    }
    for event in record.timeline.iter().filter(|e| e.kind == EventKind::Handoff) {
        let Some(role) = event.role.as_deref().and_then(|r| ix.role(r)) else { continue };
        let (people, _) = holders(ix, record, role);
        let missing: Vec<String> = [&event.from, &event.to]
            .into_iter()
            .flatten()
            .filter(|p| !people.iter().any(|h| same_person(h, p)))
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

/// `placeholder-person`: a role still held by a placeholder such as `TBD (Scribe)` — what
/// `incsite new` writes for the people a responder must fill in. A warning: the record is
/// valid, but a required role is not really staffed until a name replaces it.
pub(super) fn placeholders(_: &Index, record: &Record, out: &mut Vec<Diagnostic>) {
    for assignment in &record.roles {
        for person in assignment.people.iter().filter(|p| is_placeholder(p)) {
            let d = Diagnostic::warning(
                &record.path,
                person.pos,
                "placeholder-person",
                format!("`{}` under `{}` is a placeholder, not a person", person.value, assignment.role.value),
            )
            .with_hint("replace it with the name of whoever holds the role");
            out.push(d);
        }
    }
}

/// `TBD`, `TBD (…)`, `tbd`, `TODO`, `?`.
pub(crate) fn is_placeholder(name: &str) -> bool {
    let word = name.trim().split([' ', '(']).next().unwrap_or("").to_ascii_lowercase();
    matches!(word.as_str(), "tbd" | "todo" | "?" | "tba")
}
