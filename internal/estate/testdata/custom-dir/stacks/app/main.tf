terraform {
  backend "azurerm" {
    storage_account_name = "acmestate"
    container_name       = "tfstate"
    key                  = "app.terraform.tfstate"
  }
}
