// The benchmark's echo function on the `lambda_runtime` crate: the event read into a
// struct with serde and written back (the same shape as the C++ function's typed mode).
use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize)]
struct Item {
    sku: String,
    qty: i64,
    price: f64,
}

#[derive(Deserialize, Serialize)]
struct Event {
    id: i64,
    name: String,
    tags: Vec<String>,
    items: Vec<Item>,
}

async fn echo(event: LambdaEvent<Event>) -> Result<Event, Error> {
    Ok(event.payload)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(echo)).await
}
