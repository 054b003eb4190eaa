use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use shallot_core::http::{HeaderValue, Method};
use shallot_core::{chain_middleware, Chain, IntoMiddlewares, SharedHandler};

use crate::pattern::Pattern;
use crate::route::{Route, Target};
use crate::{Error, UrlError};

/// A route as registered: for printing, reverse routing and error messages.
#[derive(Debug)]
struct RouteInfo {
    methods: Vec<Method>,
    any_method: bool,
    pattern: Pattern,
    name: Option<String>,
}

impl RouteInfo {
    /// `GET, POST`, or `ANY` for an any-method route.
    fn methods_text(&self) -> String {
        if self.any_method {
            "ANY".to_owned()
        } else {
            join_methods(&self.methods)
        }
    }
}

/// Everything a matched path can do, per method.
pub(crate) struct PathEntry {
    handlers: Vec<(Method, SharedHandler, usize)>,
    /// The handler of an any-method route, for the methods without their own.
    any: Option<(SharedHandler, usize)>,
    param_names: Vec<Arc<str>>,
    allow: HeaderValue,
    allow_with_options: HeaderValue,
}

impl PathEntry {
    /// The handler for `method`; `HEAD` falls back to `GET` (RFC 9110 §9.3.2), and every
    /// method without its own route to the any-method route.
    pub(crate) fn handler_for(&self, method: &Method) -> Option<(&SharedHandler, usize)> {
        let exact = self.handlers.iter().find(|(m, _, _)| m == method);
        let found = match exact {
            Some(found) => Some(found),
            None if method == Method::HEAD => {
                self.handlers.iter().find(|(m, _, _)| m == Method::GET)
            }
            None => None,
        };
        found
            .map(|(_, handler, route)| (handler, *route))
            .or_else(|| self.any.as_ref().map(|(handler, route)| (handler, *route)))
    }

    pub(crate) fn allow(&self, with_options: bool) -> &HeaderValue {
        if with_options {
            &self.allow_with_options
        } else {
            &self.allow
        }
    }

    /// The index of a parameter name in this entry's pattern.
    pub(crate) fn param_index(&self, name: &str) -> u16 {
        let index = self.param_names.iter().position(|n| &**n == name);
        u16::try_from(index.unwrap_or(0)).unwrap_or(u16::MAX)
    }
}

/// The compiled route table, shared by every request.
pub(crate) struct RouteTable {
    routes: Vec<RouteInfo>,
    names: HashMap<String, usize>,
    pub(crate) matcher: matchit::Router<usize>,
    pub(crate) entries: Vec<PathEntry>,
}

impl RouteTable {
    pub(crate) fn empty() -> Self {
        Self {
            routes: Vec::new(),
            names: HashMap::new(),
            matcher: matchit::Router::new(),
            entries: Vec::new(),
        }
    }

    pub(crate) fn build(rows: impl IntoIterator<Item = Route>) -> Result<Self, Error> {
        let mut flat = Vec::new();
        for row in rows {
            flatten(row, &Pattern::parse("/")?, &Chain::new(), &mut flat)?;
        }
        let mut table = Self::empty();
        let mut entry_of_route: HashMap<String, usize> = HashMap::new();
        let mut owner_of_route: HashMap<String, usize> = HashMap::new();
        let mut handler_sets: Vec<Vec<(Method, SharedHandler, usize)>> = Vec::new();
        let mut any_handlers: Vec<Option<(SharedHandler, usize)>> = Vec::new();
        let mut param_names: Vec<Vec<Arc<str>>> = Vec::new();

        for (index, flat_route) in flat.into_iter().enumerate() {
            let FlatRoute {
                pattern,
                methods,
                handler,
                name,
                any_method,
            } = flat_route;
            if methods.is_empty() && !any_method {
                return Err(Error::NoMethod {
                    pattern: pattern.to_string(),
                });
            }
            if let Some(name) = &name {
                if table.names.insert(name.clone(), index).is_some() {
                    return Err(Error::DuplicateName { name: name.clone() });
                }
            }
            let describe =
                |route: &RouteInfo| format!("{} {}", route.methods_text(), route.pattern);
            let this = RouteInfo {
                any_method,
                methods: methods.clone(),
                pattern: pattern.clone(),
                name,
            };
            for matchit_route in pattern.matchit_routes() {
                let entry = match entry_of_route.get(&matchit_route) {
                    Some(&entry) => entry,
                    None => {
                        let entry = handler_sets.len();
                        table
                            .matcher
                            .insert(matchit_route.clone(), entry)
                            .map_err(|error| match error {
                                matchit::InsertError::Conflict { with } => Error::Conflict {
                                    route: describe(&this),
                                    existing: owner_of_route
                                        .get(&with)
                                        .map_or(with, |&owner| describe(&table.routes[owner])),
                                },
                                _ => Error::MalformedPattern {
                                    pattern: pattern.to_string(),
                                    reason: "not accepted by the matcher",
                                },
                            })?;
                        entry_of_route.insert(matchit_route.clone(), entry);
                        owner_of_route.insert(matchit_route.clone(), index);
                        handler_sets.push(Vec::new());
                        any_handlers.push(None);
                        param_names.push(pattern.param_names().map(Arc::from).collect());
                        entry
                    }
                };
                if any_method {
                    if let Some((_, other)) = &any_handlers[entry] {
                        return Err(Error::Conflict {
                            route: describe(&this),
                            existing: describe(&table.routes[*other]),
                        });
                    }
                    any_handlers[entry] = Some((Arc::clone(&handler), index));
                }
                for method in &methods {
                    if let Some((_, _, other)) =
                        handler_sets[entry].iter().find(|(m, _, _)| m == method)
                    {
                        return Err(Error::Conflict {
                            route: describe(&this),
                            existing: describe(&table.routes[*other]),
                        });
                    }
                    handler_sets[entry].push((method.clone(), Arc::clone(&handler), index));
                }
            }
            table.routes.push(this);
        }

        table.entries = handler_sets
            .into_iter()
            .zip(param_names)
            .zip(any_handlers)
            .map(|((handlers, param_names), any)| {
                let methods: Vec<Method> = handlers.iter().map(|(m, _, _)| m.clone()).collect();
                PathEntry {
                    any,
                    allow: allow_header(&methods, false),
                    allow_with_options: allow_header(&methods, true),
                    handlers,
                    param_names,
                }
            })
            .collect();
        Ok(table)
    }

    pub(crate) fn param_names(&self, entry: usize) -> &[Arc<str>] {
        &self.entries[entry].param_names
    }

    pub(crate) fn pattern(&self, route: usize) -> String {
        self.routes[route].pattern.to_string()
    }

    pub(crate) fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, UrlError> {
        let &route = self
            .names
            .get(name)
            .ok_or_else(|| UrlError::UnknownRoute(name.to_owned()))?;
        self.routes[route]
            .pattern
            .build(params)
            .map_err(|param| UrlError::MissingParam {
                route: name.to_owned(),
                param,
            })
    }
}

impl fmt::Debug for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RouteTable")
            .field("routes", &self.routes)
            .finish()
    }
}

impl fmt::Display for RouteTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<(String, String, &str)> = self
            .routes
            .iter()
            .map(|r| {
                (
                    r.methods_text(),
                    r.pattern.to_string(),
                    r.name.as_deref().unwrap_or(""),
                )
            })
            .collect();
        let method_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let pattern_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
        for (methods, pattern, name) in rows {
            let line = format!("{methods:method_width$}  {pattern:pattern_width$}  {name}");
            writeln!(f, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

struct FlatRoute {
    pattern: Pattern,
    methods: Vec<Method>,
    handler: SharedHandler,
    name: Option<String>,
    any_method: bool,
}

fn flatten(
    row: Route,
    prefix: &Pattern,
    outer: &Chain,
    out: &mut Vec<FlatRoute>,
) -> Result<(), Error> {
    let pattern = Pattern::parse(&row.pattern)?
        .nested_in(prefix)
        .map_err(|reason| Error::MalformedPattern {
            pattern: row.pattern.clone(),
            reason,
        })?;
    let mut middlewares = outer.clone().into_middlewares();
    middlewares.extend(row.middlewares.into_middlewares());
    let chain = chain_middleware(middlewares);
    match row.target {
        Target::Handler(handler) => {
            let handler = if chain.is_empty() {
                handler
            } else {
                Arc::new(chain.apply_shared(handler))
            };
            out.push(FlatRoute {
                pattern,
                methods: row.methods,
                handler,
                name: row.name,
                any_method: row.any_method,
            });
        }
        Target::Group(routes) => {
            if row.name.is_some() {
                return Err(Error::MalformedPattern {
                    pattern: row.pattern,
                    reason: "a group cannot be named; name its routes",
                });
            }
            for route in routes {
                flatten(route, &pattern, &chain, out)?;
            }
        }
    }
    Ok(())
}

/// Methods in a stable, conventional order; unknown (extension) methods last, as given.
fn canonical_order(methods: &[Method]) -> Vec<Method> {
    const ORDER: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    let mut sorted: Vec<Method> = ORDER
        .iter()
        .filter(|m| methods.contains(m))
        .cloned()
        .collect();
    for method in methods {
        if !sorted.contains(method) {
            sorted.push(method.clone());
        }
    }
    sorted
}

fn join_methods(methods: &[Method]) -> String {
    canonical_order(methods)
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// RFC 9110 §10.2.1: the methods the resource supports; `HEAD` comes with `GET`.
fn allow_header(methods: &[Method], with_options: bool) -> HeaderValue {
    let mut all = methods.to_vec();
    if all.contains(&Method::GET) && !all.contains(&Method::HEAD) {
        all.push(Method::HEAD);
    }
    if with_options && !all.contains(&Method::OPTIONS) {
        all.push(Method::OPTIONS);
    }
    let text = canonical_order(&all)
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    HeaderValue::from_str(&text).expect("method names are valid header text")
}
