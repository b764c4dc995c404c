//! The `OauthToken` query (§5): `GET /services/data/vNN.N/query?q=SELECT … FROM
//! OauthToken …`, answered like Salesforce's REST query, so a client can count
//! and list its user's approvals.
//!
//! A plain user sees only their own rows: one per live approval (a grant holding
//! a refresh token), of every app, oldest first. The SOQL understood is small:
//! `SELECT f, … | COUNT() FROM OauthToken [WHERE f = 'v' [AND …]] [ORDER BY f
//! [ASC|DESC]] [LIMIT n]`, keywords and field names case-insensitive, `=` and
//! `!=` on text fields. Anything else is MALFORMED_QUERY; unknown fields are
//! INVALID_FIELD. Objects a test fills in (`Knobs::records`) are queried the
//! same way.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::http::Reply;
use super::knobs::{FakeUser, Knobs};
use super::secrets::salesforce_datetime;
use super::state::State;

/// The object's fields, as Salesforce spells them.
const FIELDS: &[&str] = &[
    "Id",
    "AccessToken",
    "AppMenuItemId",
    "AppName",
    "CreatedDate",
    "DeleteToken",
    "LastUsedDate",
    "RequestToken",
    "UseCount",
    "UserId",
];

pub(super) fn query(st: &State, knobs: &Knobs, caller: &FakeUser, soql: Option<&str>) -> Reply {
    answer(st, knobs, caller, soql).unwrap_or_else(|reply| reply)
}

/// `GET .../query?q=...&columns=true`: not the rows but the query's columns,
/// as the sf CLI's `data query` asks for them after the rows to lay out its
/// table (plugin-data `retrieveColumns`). Fields are checked as for the rows.
pub(super) fn columns(knobs: &Knobs, soql: Option<&str>) -> Reply {
    column_metadata(knobs, soql).unwrap_or_else(|reply| reply)
}

fn column_metadata(knobs: &Knobs, soql: Option<&str>) -> Result<Reply, Reply> {
    let soql = soql
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| malformed("the q parameter is required"))?;
    let parsed = parse(soql).map_err(|message| malformed(&message))?;
    let (object, columns): (String, Vec<String>) = match knobs
        .records
        .iter()
        .find(|(object, _)| object.eq_ignore_ascii_case(&parsed.object))
    {
        Some((object, rows)) => (
            object.clone(),
            rows.first()
                .map(|row| row.keys().cloned().collect())
                .unwrap_or_default(),
        ),
        None if parsed.object.eq_ignore_ascii_case("OauthToken") => (
            "OauthToken".into(),
            FIELDS.iter().map(|f| f.to_string()).collect(),
        ),
        None => return Err(malformed(&format!("no such object {}", parsed.object))),
    };
    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut metadata = Vec::new();
    for name in parsed.fields.iter().flatten() {
        let name = field(&object, &columns, name)?;
        metadata.push(json!({
            "aggregate": false,
            "apexType": if name == "Id" { "Id" } else { "String" },
            "booleanType": false,
            "columnName": name,
            "custom": false,
            "displayName": name,
            "foreignKeyName": null,
            "insertable": name != "Id",
            "joinColumns": [],
            "numberType": false,
            "textType": name != "Id",
            "updatable": name != "Id",
        }));
    }
    let id_selected = metadata.iter().any(|c| c["columnName"] == "Id");
    let body = json!({
        "columnMetadata": metadata,
        "entityName": object,
        "groupBy": false,
        "idSelected": id_selected,
        "keyPrefix": null,
    });
    Ok(Reply::json(200, &body))
}

fn answer(
    st: &State,
    knobs: &Knobs,
    caller: &FakeUser,
    soql: Option<&str>,
) -> Result<Reply, Reply> {
    let soql = soql
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .ok_or_else(|| malformed("the q parameter is required"))?;
    let parsed = parse(soql).map_err(|message| malformed(&message))?;
    if let Some((object, rows)) = knobs
        .records
        .iter()
        .find(|(object, _)| object.eq_ignore_ascii_case(&parsed.object))
    {
        let columns: Vec<&str> = rows
            .first()
            .map(|row| row.keys().map(String::as_str).collect())
            .unwrap_or_default();
        return select(object, &columns, rows.clone(), &parsed);
    }
    if !parsed.object.eq_ignore_ascii_case("OauthToken") {
        return Err(malformed(&format!(
            "the fake Salesforce answers only queries FROM OauthToken or an object in \
             Knobs::records, not {}",
            parsed.object
        )));
    }
    if knobs.forbid_oauth_token_query {
        let message = "sObject type 'OauthToken' is not supported.";
        return Err(Reply::rest_error(400, "INVALID_TYPE", message));
    }
    let rows: Vec<Map<String, Value>> = st
        .grants
        .iter()
        .filter(|g| g.is_live_approval() && g.user.user_id == caller.user_id)
        .map(|g| {
            let mut row = Map::new();
            row.insert("Id".into(), Value::Null);
            row.insert("AccessToken".into(), Value::Null);
            row.insert("AppMenuItemId".into(), Value::Null);
            row.insert("AppName".into(), json!(knobs.app_name(&g.client_id)));
            row.insert("CreatedDate".into(), json!(salesforce_datetime(g.created)));
            row.insert("DeleteToken".into(), json!(g.delete_token));
            let last_used = g.last_used.map(salesforce_datetime);
            row.insert("LastUsedDate".into(), json!(last_used));
            row.insert("RequestToken".into(), Value::Null);
            row.insert("UseCount".into(), json!(g.use_count));
            row.insert("UserId".into(), json!(g.user.user_id));
            row
        })
        .collect();
    select("OauthToken", FIELDS, rows, &parsed)
}

/// The query's filters, order, limit and fields applied to an object's rows,
/// answered as Salesforce's REST query does.
fn select(
    object: &str,
    columns: &[&str],
    mut rows: Vec<Map<String, Value>>,
    parsed: &Soql,
) -> Result<Reply, Reply> {
    let field = |name: &str| field(object, columns, name);
    let fields: Option<Vec<String>> = match &parsed.fields {
        Some(names) => Some(names.iter().map(|n| field(n)).collect::<Result<_, _>>()?),
        None => None,
    };
    let mut filters = Vec::new();
    for (name, equal, value) in &parsed.filters {
        filters.push((field(name)?, *equal, value.as_str()));
    }
    rows.retain(|row| {
        filters
            .iter()
            .all(|(f, equal, value)| matches(&row[f], value) == *equal)
    });
    if let Some((name, descending)) = &parsed.order {
        let key = field(name)?;
        rows.sort_by(|a, b| {
            let ordering = compare(&a[&key], &b[&key]);
            if *descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
    }
    if let Some(limit) = parsed.limit {
        rows.truncate(limit);
    }
    let total = rows.len();
    let Some(fields) = fields else {
        let body = json!({"totalSize": total, "done": true, "records": []});
        return Ok(Reply::json(200, &body));
    };
    let records: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            let mut record = Map::new();
            record.insert("attributes".into(), json!({"type": object, "url": null}));
            for f in &fields {
                record.insert(f.clone(), row[f].clone());
            }
            Value::Object(record)
        })
        .collect();
    let body = json!({"totalSize": total, "done": true, "records": records});
    Ok(Reply::json(200, &body))
}

fn malformed(message: &str) -> Reply {
    Reply::rest_error(400, "MALFORMED_QUERY", message)
}

/// The canonical spelling of a field name, or Salesforce's INVALID_FIELD answer.
fn field(object: &str, columns: &[&str], name: &str) -> Result<String, Reply> {
    columns
        .iter()
        .find(|f| f.eq_ignore_ascii_case(name))
        .map(|f| f.to_string())
        .ok_or_else(|| {
            let message = format!(
                "No such column '{name}' on entity '{object}'. If you are attempting to use a \
                 custom field, be sure to append the '__c' after the custom field name. Please \
                 reference your WSDL or the describe call for the appropriate names."
            );
            Reply::rest_error(400, "INVALID_FIELD", &message)
        })
}

/// A filter value against a row value; a 15-character id matches its 18-character form.
fn matches(actual: &Value, wanted: &str) -> bool {
    match actual {
        Value::String(s) => {
            s == wanted || (wanted.len() == 15 && s.len() == 18 && s.starts_with(wanted))
        }
        Value::Number(n) => n.to_string() == wanted,
        _ => false,
    }
}

/// SOQL's default order: nulls first, then by value.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(x), Value::Number(y)) => x
            .as_u64()
            .unwrap_or_default()
            .cmp(&y.as_u64().unwrap_or_default()),
        _ => a
            .as_str()
            .unwrap_or_default()
            .cmp(b.as_str().unwrap_or_default()),
    }
}

struct Soql {
    /// None for `COUNT()`.
    fields: Option<Vec<String>>,
    object: String,
    /// (field, true for `=` / false for `!=`, value)
    filters: Vec<(String, bool, String)>,
    /// (field, descending)
    order: Option<(String, bool)>,
    limit: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Text(String),
    Sym(&'static str),
}

fn tokenize(soql: &str) -> Result<Vec<Tok>, String> {
    let mut tokens = Vec::new();
    let mut chars = soql.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            let mut word = String::new();
            while let Some(&c) = chars
                .peek()
                .filter(|c| c.is_ascii_alphanumeric() || **c == '_' || **c == '.')
            {
                word.push(c);
                chars.next();
            }
            tokens.push(Tok::Word(word));
        } else if c == '\'' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some('\\') => text.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => text.push(c),
                    None => return Err("unterminated string literal".into()),
                }
            }
            tokens.push(Tok::Text(text));
        } else {
            chars.next();
            let sym = match c {
                ',' => ",",
                '(' => "(",
                ')' => ")",
                '=' => "=",
                '!' if chars.next_if_eq(&'=').is_some() => "!=",
                _ => return Err(format!("unexpected token: '{c}'")),
            };
            tokens.push(Tok::Sym(sym));
        }
    }
    Ok(tokens)
}

fn parse(soql: &str) -> Result<Soql, String> {
    let tokens = tokenize(soql)?;
    let mut at = 0;
    let mut next = || {
        at += 1;
        tokens.get(at - 1).cloned()
    };
    let keyword = |tok: &Option<Tok>, word: &str| matches!(tok, Some(Tok::Word(w)) if w.eq_ignore_ascii_case(word));
    let unexpected = |tok: &Option<Tok>| match tok {
        Some(tok) => format!("unexpected token: {tok:?}"),
        None => "unexpected end of query".to_string(),
    };
    let mut tok = next();
    if !keyword(&tok, "SELECT") {
        return Err(unexpected(&tok));
    }
    let mut fields = Vec::new();
    let mut count = false;
    loop {
        match next() {
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("COUNT") && fields.is_empty() => {
                if next() != Some(Tok::Sym("(")) || next() != Some(Tok::Sym(")")) {
                    return Err("COUNT takes no field here".into());
                }
                count = true;
            }
            Some(Tok::Word(w)) if !count => fields.push(w),
            other => return Err(unexpected(&other)),
        }
        tok = next();
        if tok != Some(Tok::Sym(",")) || count {
            break;
        }
    }
    if !keyword(&tok, "FROM") {
        return Err(unexpected(&tok));
    }
    let object = match next() {
        Some(Tok::Word(w)) => w,
        other => return Err(unexpected(&other)),
    };
    let mut soql = Soql {
        fields: (!count).then_some(fields),
        object,
        filters: vec![],
        order: None,
        limit: None,
    };
    tok = next();
    if keyword(&tok, "WHERE") {
        loop {
            let (Some(Tok::Word(name)), Some(Tok::Sym(op)), Some(Tok::Text(value))) =
                (next(), next(), next())
            else {
                return Err("expected: Field = 'value'".into());
            };
            if op != "=" && op != "!=" {
                return Err(format!("unsupported operator {op}"));
            }
            soql.filters.push((name, op == "=", value));
            tok = next();
            if !keyword(&tok, "AND") {
                break;
            }
        }
    }
    if keyword(&tok, "ORDER") {
        if !keyword(&next(), "BY") {
            return Err("expected BY after ORDER".into());
        }
        let Some(Tok::Word(name)) = next() else {
            return Err("expected a field after ORDER BY".into());
        };
        tok = next();
        let descending = keyword(&tok, "DESC");
        if descending || keyword(&tok, "ASC") {
            tok = next();
        }
        soql.order = Some((name, descending));
    }
    if keyword(&tok, "LIMIT") {
        let Some(Tok::Word(n)) = next() else {
            return Err("expected a number after LIMIT".into());
        };
        soql.limit = Some(n.parse().map_err(|_| format!("invalid LIMIT {n}"))?);
        tok = next();
    }
    match tok {
        None => Ok(soql),
        other => Err(unexpected(&other)),
    }
}
