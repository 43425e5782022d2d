//! The team's policies: severity levels, the role catalogue and the services on the status page,
//! with the built-in defaults (the repository's own `schema/`) embedded in the binary.

use crate::decode::Ctx;
use crate::diag::{Diagnostic, Pos};
use crate::duration;
use crate::yaml;
use std::collections::HashMap;

pub const DEFAULT_SEVERITIES: &str = include_str!("../schema/severities.yaml");
pub const DEFAULT_ROLES: &str = include_str!("../schema/roles.yaml");
pub const DEFAULT_SERVICES: &str = include_str!("../schema/services.yaml");
/// The first line `incsite init` puts above the default services: a services.yaml that is still
/// exactly this line and the defaults is a placeholder (`init-placeholder`).
pub const INIT_SERVICES_HEADER: &str =
    "# Example services: replace them with yours. Incidents name them under `impact`.\n";

/// Whether a severity requires a post-mortem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PostmortemPolicy {
    Required,
    Optional,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Severity {
    pub id: String,
    pub name: String,
    pub description: String,
    pub examples: Vec<String>,
    /// Seconds from detection to acknowledgement.
    pub respond_within: Option<i64>,
    /// Seconds between public updates while unresolved.
    pub update_every: Option<i64>,
    /// Role id → how many people must hold it, in file order.
    pub required_roles: Vec<(String, u32, Pos)>,
    pub postmortem: PostmortemPolicy,
    /// Seconds from resolution to a published post-mortem.
    pub postmortem_within: Option<i64>,
    /// 0 for the most severe.
    pub rank: usize,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: String,
    pub exclusive: bool,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: String,
    #[serde(skip)]
    pub pos: Pos,
}

/// All three policies, with lookups by id.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub severities: Vec<Severity>,
    pub roles: Vec<Role>,
    pub services: Vec<Service>,
    role_index: HashMap<String, usize>,
}

impl Policy {
    pub fn severity(&self, id: &str) -> Option<&Severity> {
        self.severities.iter().find(|s| s.id == id)
    }

    /// The role a name (id or alias, any case, `-` or `_`) stands for.
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.role_index.get(&normalize(name)).map(|&i| &self.roles[i])
    }

    pub fn service(&self, id: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }

    /// Every name a role may be written as, for suggestions.
    pub fn role_names(&self) -> Vec<&str> {
        self.roles
            .iter()
            .flat_map(|r| std::iter::once(r.id.as_str()).chain(r.aliases.iter().map(String::as_str)))
            .collect()
    }
}

fn normalize(name: &str) -> String {
    name.trim().to_lowercase().replace('-', "_")
}

/// Which schema files a site has (by relative path and text); `None` falls back to the default.
pub struct SchemaSources<'a> {
    pub severities: Option<(&'a str, &'a str)>,
    pub roles: Option<(&'a str, &'a str)>,
    pub services: Option<(&'a str, &'a str)>,
}

/// Parses the three policies, reporting problems at their file and line.
pub fn parse(sources: &SchemaSources) -> (Policy, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let (roles_file, roles_text) = sources.roles.unwrap_or(("schema/roles.yaml", DEFAULT_ROLES));
    let mut ctx = Ctx::new(roles_file, 0);
    let roles = parse_roles(&mut ctx, roles_text);
    diags.append(&mut ctx.diags);

    let (sev_file, sev_text) = sources.severities.unwrap_or(("schema/severities.yaml", DEFAULT_SEVERITIES));
    let mut ctx = Ctx::new(sev_file, 0);
    let severities = parse_severities(&mut ctx, sev_text);
    diags.append(&mut ctx.diags);

    let (svc_file, svc_text) = sources.services.unwrap_or(("schema/services.yaml", DEFAULT_SERVICES));
    let mut ctx = Ctx::new(svc_file, 0);
    if svc_text.strip_prefix(INIT_SERVICES_HEADER) == Some(DEFAULT_SERVICES) {
        let d = Diagnostic::warning(
            svc_file,
            Pos::new(1, 1),
            "init-placeholder",
            "these are the example services `incsite init` wrote: the status page lists them",
        )
        .with_hint("list your own services (and delete this first line)");
        ctx.push(d);
    }
    let services = parse_services(&mut ctx, svc_text);
    diags.append(&mut ctx.diags);

    let mut policy = Policy { severities, roles, services, role_index: HashMap::new() };
    for (i, role) in policy.roles.iter().enumerate() {
        for name in std::iter::once(&role.id).chain(role.aliases.iter()) {
            if policy.role_index.insert(normalize(name), i).is_some() {
                diags.push(Diagnostic::error(
                    roles_file,
                    role.pos,
                    "duplicate-id",
                    format!("role name `{name}` is used twice"),
                ));
            }
        }
    }
    for sev in &policy.severities {
        for (role, _, pos) in &sev.required_roles {
            if policy.role(role).is_none() {
                let d = Diagnostic::error(
                    sev_file,
                    *pos,
                    "unknown-role",
                    format!("severity `{}` requires role `{role}`, which roles.yaml does not define", sev.id),
                )
                .suggest(role, policy.role_names());
                diags.push(d);
            }
        }
    }
    (policy, diags)
}

/// The list under `key` in a schema file's top-level mapping.
fn top_list<'n>(ctx: &mut Ctx, root: &'n Option<yaml::Node<'n>>, key: &str) -> &'n [yaml::Node<'n>] {
    let Some(root) = root else {
        return &[];
    };
    let Some(mut fields) = ctx.map(root, "the file") else {
        return &[];
    };
    let list = fields.get(key).map(|n| ctx.list(n, key)).unwrap_or(&[]);
    fields.finish(ctx, "the file", &[key]);
    list
}

fn load<'t>(ctx: &mut Ctx, text: &'t str) -> Option<yaml::Node<'t>> {
    match yaml::parse(text) {
        Ok(None) => {
            let d = Diagnostic::error(&ctx.file.clone(), Pos::file(), "empty-file", "the file is empty")
                .with_hint("write its list, or delete the file to use the built-in one");
            ctx.push(d);
            None
        }
        Ok(root) => root,
        Err(e) => {
            let x = yaml::explain(&e, text);
            let d = Diagnostic::error(&ctx.file.clone(), Pos::new(x.line, x.col), "yaml", x.message);
            ctx.push(match x.hint {
                Some(hint) => d.with_hint(hint),
                None => d,
            });
            None
        }
    }
}

/// Reads `id` and reports a missing or malformed or duplicate one.
fn read_id(ctx: &mut Ctx, fields: &mut crate::decode::Fields, seen: &mut Vec<String>, what: &str) -> Option<String> {
    let node = fields.node;
    let Some(id) = fields.get("id").and_then(|n| ctx.string(n, "id")) else {
        ctx.error(node, "missing-field", format!("{what} without `id`"));
        return None;
    };
    if !crate::record::valid_id(&id) {
        ctx.error(node, "bad-id", format!("id `{id}` {}", crate::record::ID_CHARS));
    }
    if seen.contains(&id) {
        ctx.error(node, "duplicate-id", format!("{what} `{id}` is defined twice"));
        return None;
    }
    seen.push(id.clone());
    Some(id)
}

fn parse_roles(ctx: &mut Ctx, text: &str) -> Vec<Role> {
    let root = load(ctx, text);
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for item in top_list(ctx, &root, "roles") {
        let Some(mut f) = ctx.map(item, "a role") else { continue };
        let id = read_id(ctx, &mut f, &mut seen, "role");
        let name = f.get("name").and_then(|n| ctx.string(n, "name"));
        let aliases = f.get("aliases").map(|n| ctx.strings(n, "aliases")).unwrap_or_default();
        let description = f.get("description").and_then(|n| ctx.string(n, "description")).unwrap_or_default();
        let exclusive = f.get("exclusive").and_then(|n| ctx.boolean(n, "exclusive")).unwrap_or(false);
        f.finish(ctx, "a role", &["id", "name", "aliases", "description", "exclusive"]);
        if let Some(id) = id {
            out.push(Role {
                name: name.unwrap_or_else(|| title_case(&id)),
                id,
                aliases: aliases.into_iter().map(|(a, _)| a).collect(),
                description,
                exclusive,
                pos: ctx.pos(item),
            });
        }
    }
    out
}

fn parse_duration(ctx: &mut Ctx, f: &mut crate::decode::Fields, key: &str) -> Option<i64> {
    let node = f.get(key)?;
    let text = ctx.string(node, key)?;
    let parsed = duration::parse(&text);
    if parsed.is_none() {
        let d =
            Diagnostic::error(&ctx.file, ctx.pos(node), "bad-duration", format!("`{key}` is not a duration: `{text}`"))
                .with_hint("write durations like `30s`, `15m`, `2h`, `3d`, `1w` or `1h30m`");
        ctx.push(d);
    }
    parsed
}

fn parse_severities(ctx: &mut Ctx, text: &str) -> Vec<Severity> {
    let root = load(ctx, text);
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for item in top_list(ctx, &root, "levels") {
        let Some(mut f) = ctx.map(item, "a severity level") else { continue };
        let id = read_id(ctx, &mut f, &mut seen, "severity");
        let name = f.get("name").and_then(|n| ctx.string(n, "name"));
        let description = f.get("description").and_then(|n| ctx.string(n, "description")).unwrap_or_default();
        let examples = f.get("examples").map(|n| ctx.strings(n, "examples")).unwrap_or_default();
        let respond_within = parse_duration(ctx, &mut f, "respond_within");
        let update_every = parse_duration(ctx, &mut f, "update_every");
        let postmortem_within = parse_duration(ctx, &mut f, "postmortem_within");
        let postmortem = f
            .get("postmortem")
            .and_then(|n| {
                ctx.one_of(
                    n,
                    "post-mortem policy",
                    &[("required", PostmortemPolicy::Required), ("optional", PostmortemPolicy::Optional)],
                )
            })
            .unwrap_or(PostmortemPolicy::Optional);
        let mut required_roles = Vec::new();
        if let Some(node) = f.get("required_roles") {
            if let Some(mut roles) = ctx.map(node, "required_roles") {
                for (role, key, count) in roles.all() {
                    if let Some(n) = ctx.count(count, "a required role count") {
                        required_roles.push((role.to_string(), n, ctx.pos(key)));
                    }
                }
            }
        }
        f.finish(
            ctx,
            "a severity level",
            &[
                "id",
                "name",
                "description",
                "examples",
                "respond_within",
                "update_every",
                "required_roles",
                "postmortem",
                "postmortem_within",
            ],
        );
        if let Some(id) = id {
            out.push(Severity {
                name: name.unwrap_or_else(|| id.clone()),
                id,
                description,
                examples: examples.into_iter().map(|(e, _)| e).collect(),
                respond_within,
                update_every,
                required_roles,
                postmortem,
                postmortem_within,
                rank: out.len(),
                pos: ctx.pos(item),
            });
        }
    }
    out
}

fn parse_services(ctx: &mut Ctx, text: &str) -> Vec<Service> {
    let root = load(ctx, text);
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for item in top_list(ctx, &root, "services") {
        let Some(mut f) = ctx.map(item, "a service") else { continue };
        let id = read_id(ctx, &mut f, &mut seen, "service");
        let name = f.get("name").and_then(|n| ctx.string(n, "name"));
        let group = f.get("group").and_then(|n| ctx.string(n, "group"));
        let description = f.get("description").and_then(|n| ctx.string(n, "description")).unwrap_or_default();
        f.finish(ctx, "a service", &["id", "name", "group", "description"]);
        if let Some(id) = id {
            out.push(Service { name: name.unwrap_or_else(|| id.clone()), id, group, description, pos: ctx.pos(item) });
        }
    }
    out
}

/// The reference errors that only follow from a broken schema file, by that file and code.
const FOLLOW_ONS: [(&str, &str); 3] = [
    ("schema/services.yaml", "unknown-service"),
    ("schema/severities.yaml", "unknown-severity"),
    ("schema/roles.yaml", "unknown-role"),
];

/// One clear error for a broken policy file instead of a cascade: while a schema file has errors
/// and defines nothing (empty, not YAML, its list misspelt), the references to what it would
/// define (`unknown-service` for services.yaml, …) are not reported elsewhere — they would repeat
/// its error once per record — and its first error says how many were left out.
pub fn drop_follow_ons(policy: &Policy, diags: &mut Vec<Diagnostic>) {
    let is_error = |d: &Diagnostic| d.level == crate::diag::Level::Error;
    let empty = [policy.services.is_empty(), policy.severities.is_empty(), policy.roles.is_empty()];
    for ((file, code), empty) in FOLLOW_ONS.into_iter().zip(empty) {
        if !empty || !diags.iter().any(|d| d.file == file && is_error(d)) {
            continue;
        }
        let before = diags.len();
        diags.retain(|d| d.code != code || d.file == file);
        let dropped = before - diags.len();
        if let Some(first) = diags.iter_mut().find(|d| d.file == file && is_error(d)).filter(|_| dropped > 0) {
            first.message.push_str(&format!(
                " ({dropped} `{code}` error{} elsewhere left out until this file is fixed)",
                if dropped == 1 { "" } else { "s" }
            ));
        }
    }
}

/// `incident_commander` → `Incident Commander`.
pub fn title_case(id: &str) -> String {
    id.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_defaults_are_clean() {
        let (policy, diags) = parse(&SchemaSources { severities: None, roles: None, services: None });
        assert!(diags.is_empty(), "{diags:?}");
        assert!(policy.severities.len() >= 3);
        assert!(policy.role("ic").is_some());
        assert!(policy.role("Incident-Commander").is_some());
    }

    #[test]
    fn schema_errors_point_at_lines() {
        let sev =
            "levels:\n  - id: SEV-1\n    respond_within: soon\n    required_roles: {wizard: 1}\n    colour: red\n";
        let (_, diags) =
            parse(&SchemaSources { severities: Some(("schema/severities.yaml", sev)), roles: None, services: None });
        let codes: Vec<(&str, usize)> = diags.iter().map(|d| (d.code, d.line)).collect();
        assert!(codes.contains(&("bad-duration", 3)), "{codes:?}");
        assert!(codes.contains(&("unknown-key", 5)), "{codes:?}");
        assert!(codes.contains(&("unknown-role", 4)), "{codes:?}");
    }
}
