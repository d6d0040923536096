terraform {
  backend "pg" {
    conn_str = "postgres://state.example.com/terraform"
  }
}
