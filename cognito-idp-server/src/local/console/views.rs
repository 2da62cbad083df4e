//! The console's markup (maud): one frame, and a page per route of [`super`].

use maud::{DOCTYPE, Markup, html};
use serde_json::Value;

use cognito_idp::types::{AuthEventType, DeviceType, SessionDescriptionType};

use crate::store::{ClientRecord, GroupRecord, OutboxMessage, PoolRecord, UserRecord};
use crate::triggers::journal::Entry;

const STYLE: &str = "
body { font-family: system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f7f9; }
header { background: #232f3e; color: #fff; padding: 0.6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; }
header a { color: #fff; text-decoration: none; } header strong { margin-right: auto; }
main { padding: 1rem 1.2rem; max-width: 72rem; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 1.4rem; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #e1e4e8; vertical-align: top; font-size: 0.92rem; }
th { background: #eef1f4; } code { font-size: 0.88rem; } .muted { color: #6a737d; }
.status { font-weight: 600; } form.inline { display: inline; }
button.danger { background: #b42318; color: #fff; border: 0; padding: 0.35rem 0.8rem; border-radius: 4px; cursor: pointer; }
pre { white-space: pre-wrap; word-break: break-all; font-size: 0.8rem; margin: 0; max-height: 12rem; overflow: auto; }
";

/// `ms` since the epoch as `YYYY-MM-DD HH:MM:SS UTC` (the proleptic Gregorian calendar from a
/// day count, by the usual era arithmetic: 400-year eras of 146,097 days).
fn time(ms: i64) -> String {
    let (days, secs) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000) / 1000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs / 60 % 60, secs % 60)
}

fn frame(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (title) " · local Cognito console" }
                style { (STYLE) }
            }
            body {
                header {
                    strong { "Local Cognito console" }
                    a href="/_local/" { "User pools" }
                    a href="/_local/messages" { "Messages" }
                    a href="/_local/invocations" { "Trigger invocations" }
                    form.inline method="post" action="/_local/console/reset"
                        onsubmit="return confirm('Delete every pool, user and message?')" {
                        button.danger type="submit" { "Reset everything" }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

/// A page that says what went wrong.
pub fn problem(message: &str) -> Markup {
    frame("Not available", html! { p { (message) } })
}

fn text<'a>(doc: &'a Value, name: &str) -> &'a str {
    doc.get(name).and_then(Value::as_str).unwrap_or("")
}

/// A row of the pools table.
pub struct PoolRow {
    id: String,
    name: String,
    users: i64,
}

impl PoolRow {
    /// The row of `pool`, which has `users` users.
    pub fn of(pool: &PoolRecord, users: i64) -> PoolRow {
        PoolRow { id: pool.id.clone(), name: text(&pool.doc, "Name").to_owned(), users }
    }
}

/// `/_local/`.
pub fn index(pools: &[PoolRow]) -> Markup {
    frame(
        "User pools",
        html! {
            @if pools.is_empty() {
                p.muted { "No user pools yet." }
            } @else {
                table {
                    thead { tr { th { "Name" } th { "Id" } th { "Users" } } }
                    tbody {
                        @for pool in pools {
                            tr {
                                td { a href={ "/_local/pools/" (pool.id) } { (pool.name) } }
                                td { code { (pool.id) } }
                                td { (pool.users) }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// `/_local/pools/{id}`.
pub fn pool(
    pool: &PoolRecord,
    clients: &[ClientRecord],
    groups: &[GroupRecord],
    users: &[UserRecord],
    search: Option<&str>,
) -> Markup {
    let id = &pool.id;
    let title = format!("{} ({id})", text(&pool.doc, "Name"));
    frame(
        &title,
        html! {
            p {
                a href={ "/_local/messages?userPoolId=" (id) } { "Messages" } " · "
                a href={ "/_local/invocations?userPoolId=" (id) } { "Trigger invocations" }
            }
            h2 { "App clients" }
            table {
                thead { tr { th { "Name" } th { "Client id" } th { "Auth flows" } th { "Secret" } } }
                tbody {
                    @for client in clients {
                        tr {
                            td { (text(&client.doc, "ClientName")) }
                            td { code { (client.id) } }
                            td {
                                @for flow in client.doc.get("ExplicitAuthFlows").and_then(Value::as_array).into_iter().flatten() {
                                    code { (flow.as_str().unwrap_or("")) } " "
                                }
                            }
                            td { @if client.doc.get("ClientSecret").is_some() { "yes" } @else { "no" } }
                        }
                    }
                }
            }
            h2 { "Groups" }
            table {
                thead { tr { th { "Name" } th { "Description" } th { "Precedence" } } }
                tbody {
                    @for group in groups {
                        tr {
                            td { (group.name) }
                            td { (text(&group.doc, "Description")) }
                            td { (group.doc.get("Precedence").map(|p| p.to_string()).unwrap_or_default()) }
                        }
                    }
                }
            }
            h2 { "Users" }
            form method="get" {
                label for="search" { "Username or email address starts with " }
                input #search type="search" name="search" value=(search.unwrap_or(""));
                " "
                button type="submit" { "Search" }
            }
            table {
                thead { tr { th { "Username" } th { "Email" } th { "Status" } th { "Enabled" } th { "Created" } } }
                tbody {
                    @for user in users {
                        tr {
                            td { a href={ "/_local/pools/" (id) "/users/" (user.username) } { (user.username) } }
                            td { (user.attribute("email").unwrap_or("")) }
                            td.status { (user.status) }
                            td { @if user.enabled { "yes" } @else { "no" } }
                            td { (time(user.created_ms)) }
                        }
                    }
                }
            }
            @if users.is_empty() { p.muted { "No users match." } }
        },
    )
}

/// What a user's page shows beside the user record: their devices and user sessions, as the
/// API describes them.
pub struct UserExtras {
    /// `AdminListDevices`'s devices.
    pub devices: Vec<DeviceType>,
    /// `AdminListUserSessions`'s sessions (none unless the pool tracks sessions).
    pub sessions: Vec<SessionDescriptionType>,
    /// Threat protection's recent events, newest first (none unless the pool records them).
    pub events: Vec<AuthEventType>,
}

fn device_attribute<'a>(device: &'a DeviceType, name: &str) -> &'a str {
    device.device_attributes.iter().flatten().find(|a| a.name == name).and_then(|a| a.value.as_deref()).unwrap_or("")
}

fn date(value: Option<&awsjson_types::Timestamp>) -> String {
    value.map(|t| time((t.as_secs_f64() * 1000.0) as i64)).unwrap_or_default()
}

/// `/_local/pools/{id}/users/{username}`.
pub fn user(
    pool_id: &str,
    user: &UserRecord,
    groups: &[GroupRecord],
    sent: &[OutboxMessage],
    extras: &UserExtras,
) -> Markup {
    frame(
        &format!("User {}", user.username),
        html! {
            p { a href={ "/_local/pools/" (pool_id) } { "← " (pool_id) } }
            table {
                tbody {
                    tr { th { "Status" } td.status { (user.status) } }
                    tr { th { "Enabled" } td { @if user.enabled { "yes" } @else { "no" } } }
                    tr { th { "sub" } td { code { (user.sub) } } }
                    tr { th { "Created" } td { (time(user.created_ms)) } }
                    tr { th { "Last modified" } td { (time(user.modified_ms)) } }
                    tr { th { "Groups" } td { @for group in groups { (group.name) " " } } }
                }
            }
            h2 { "Attributes" }
            table {
                thead { tr { th { "Name" } th { "Value" } } }
                tbody {
                    @for (name, value) in &user.attributes {
                        tr { td { code { (name) } } td { (value) } }
                    }
                }
            }
            h2 { "Devices" }
            table.devices {
                thead { tr { th { "Key" } th { "Name" } th { "Status" } th { "Last IP" } th { "Last signed in" } } }
                tbody {
                    @for device in &extras.devices {
                        tr {
                            td { code { (device.device_key.as_deref().unwrap_or("")) } }
                            td { (device_attribute(device, "device_name")) }
                            td { (device_attribute(device, "dev:device_remembered_status")) }
                            td { (device_attribute(device, "last_ip_used")) }
                            td { (date(device.device_last_authenticated_date.as_ref())) }
                        }
                    }
                }
            }
            @if extras.devices.is_empty() { p.muted { "No confirmed devices." } }
            h2 { "Sessions" }
            table.sessions {
                thead { tr { th { "Session" } th { "Type" } th { "Client" } th { "Created" } th { "Last active" } th { "Device" } th { "IP" } th { "Through" } } }
                tbody {
                    @for session in &extras.sessions {
                        tr {
                            td { code { (session.session_id.as_deref().unwrap_or("")) } }
                            td { (session.session_type.as_ref().map(|t| t.as_str()).unwrap_or("")) }
                            td { code { (session.client_id.as_deref().unwrap_or("")) } }
                            td { (date(session.create_date.as_ref())) }
                            td { (date(session.last_active_date.as_ref())) }
                            td { (session.device_type.as_deref().unwrap_or("")) }
                            td { (session.last_ip_address.as_deref().unwrap_or("")) }
                            td { code { (session.origin_session_id.as_deref().unwrap_or("")) } }
                        }
                    }
                }
            }
            @if extras.sessions.is_empty() { p.muted { "No tracked sessions (the pool tracks none, or the user has none)." } }
            h2 { "Messages" }
            (message_table(sent))
            h2 { "Recent sign-in events" }
            (event_table(&extras.events))
        },
    )
}

/// A user's authentication events (threat protection's `AuthEventType`), newest first.
fn event_table(events: &[AuthEventType]) -> Markup {
    let name = |value: Option<&str>| value.unwrap_or("").to_owned();
    html! {
        @if events.is_empty() {
            p.muted { "None recorded (the pool records events when its threat protection is on)." }
        } @else {
            table.events {
                thead { tr { th { "When" } th { "Event" } th { "Result" } th { "Risk" } th { "Address" } th { "Device" } th { "Challenges" } th { "Feedback" } } }
                tbody {
                    @for event in events {
                        @let risk = event.event_risk.clone().unwrap_or_default();
                        @let context = event.event_context_data.clone().unwrap_or_default();
                        tr {
                            td { (event.creation_date.map(|d| d.to_string()).unwrap_or_default()) }
                            td { (name(event.event_type.as_ref().map(|t| t.as_str()))) }
                            td.result { (name(event.event_response.as_ref().map(|r| r.as_str()))) }
                            td {
                                (name(risk.risk_decision.as_ref().map(|d| d.as_str())))
                                @if let Some(level) = &risk.risk_level { " (" (level.as_str()) ")" }
                                @if risk.compromised_credentials_detected == Some(true) { ", compromised password" }
                            }
                            td { (context.ip_address.unwrap_or_default()) }
                            td { (context.device_name.unwrap_or_default()) }
                            td {
                                @for c in event.challenge_responses.iter().flatten() {
                                    (name(c.challenge_name.as_ref().map(|n| n.as_str()))) ": "
                                    (name(c.challenge_response.as_ref().map(|r| r.as_str()))) " "
                                }
                            }
                            td { (event.event_feedback.as_ref().map(|f| f.feedback_value.as_str().to_owned()).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    }
}

fn message_table(sent: &[OutboxMessage]) -> Markup {
    html! {
        table {
            thead { tr { th { "Sent" } th { "User" } th { "Kind" } th { "To" } th { "Code" } th { "Text" } } }
            tbody {
                @for message in sent {
                    tr {
                        td { (time(message.time_ms)) }
                        td { (message.username) }
                        td { (message.kind) }
                        td { (message.medium) " " (message.destination) }
                        td { code.code { (message.code) } }
                        td { pre { (message.message.as_deref().unwrap_or("(delivered by a custom sender)")) } }
                    }
                }
            }
        }
    }
}

/// `/_local/messages`.
pub fn messages(sent: &[OutboxMessage], pool_id: Option<&str>) -> Markup {
    let title = match pool_id {
        Some(pool) => format!("Messages of {pool}"),
        None => "Messages".to_owned(),
    };
    frame(&title, html! { (message_table(sent)) @if sent.is_empty() { p.muted { "Nothing sent yet." } } })
}

/// `/_local/invocations`.
pub fn invocations(entries: &[Entry], pool_id: Option<&str>) -> Markup {
    let title = match pool_id {
        Some(pool) => format!("Trigger invocations of {pool}"),
        None => "Trigger invocations".to_owned(),
    };
    frame(
        &title,
        html! {
            table {
                thead { tr { th { "Trigger source" } th { "User" } th { "Outcome" } th { "ms" } th { "Event" } th { "Answer" } } }
                tbody {
                    @for entry in entries {
                        tr {
                            td { code { (entry.trigger_source) } br; span.muted { (entry.function) } }
                            td { (entry.user_name.as_deref().unwrap_or("")) }
                            td { (entry.outcome) @if let Some(error) = &entry.error { br; span.muted { (error) } } }
                            td { (format!("{:.1}", entry.ms)) }
                            td { pre { (serde_json::to_string_pretty(&entry.event).unwrap_or_default()) } }
                            td { pre { (entry.answer.as_ref().map(|a| serde_json::to_string_pretty(a).unwrap_or_default()).unwrap_or_default()) } }
                        }
                    }
                }
            }
            @if entries.is_empty() { p.muted { "No invocations yet." } }
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_read_as_utc_dates() {
        assert_eq!(super::time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::time(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(super::time(1_796_515_199_000), "2026-12-05 23:59:59 UTC");
    }
}
