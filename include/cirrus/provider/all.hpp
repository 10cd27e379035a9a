#pragma once
// Every provider cirrus knows.

#include <cirrus/provider/aws.hpp>
#include <cirrus/provider/ceph.hpp>
#include <cirrus/provider/custom.hpp>
#include <cirrus/provider/digitalocean.hpp>
#include <cirrus/provider/garage.hpp>
#include <cirrus/provider/gcs.hpp>
#include <cirrus/provider/minio.hpp>
#include <cirrus/provider/provider.hpp>
#include <cirrus/provider/r2.hpp>
#include <cirrus/provider/versitygw.hpp>
#include <cirrus/provider/wasabi.hpp>
