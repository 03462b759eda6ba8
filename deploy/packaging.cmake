# Debian packages (CPack DEB, one package per component):
#   titip-tools       titipctl, titip-termsim, bash completion, man pages (`make man` first)
#   titip-gateway     the office daemon, its unit, /etc/titip/gateway.toml (conffile)
#   titip-relay       the relay daemon, its unit, /etc/titip/relay.toml (conffile)
#   titip-aggregator  the sink daemon, its unit, /etc/titip/aggregator.toml (conffile)
# Build with `cpack -G DEB` in the build dir (tests/integration/ops_packages_test.sh does).
# Maintainer scripts in deploy/debian/: the daemon packages create the `titip` system user
# and /var/lib/titip, enable (not start: the example config must be edited first) the unit
# only when systemd is running, and never delete the store, not even on purge — it holds
# legal attendance records.
# `make install` and cpack must not build every test first (the tests build the daemons anyway).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON CACHE BOOL "install without building every target")
set(TITIP_ROLES gateway relay aggregator)
foreach(role IN LISTS TITIP_ROLES)
  install(TARGETS titip-${role} RUNTIME DESTINATION bin COMPONENT ${role})
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/systemd/titip-${role}.service
    DESTINATION lib/systemd/system COMPONENT ${role})
  install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/examples/${role}.toml
    DESTINATION /etc/titip PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT ${role})
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/debian/${role})
  foreach(script postinst prerm postrm)
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/debian/${script}.in ${dir}/${script}
      @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
      WORLD_READ WORLD_EXECUTE)
  endforeach()
  file(WRITE ${dir}/conffiles "/etc/titip/${role}.toml\n")
  string(TOUPPER ${role} R)
  set(CPACK_DEBIAN_${R}_PACKAGE_NAME titip-${role})
  set(CPACK_DEBIAN_${R}_FILE_NAME DEB-DEFAULT)
  set(CPACK_DEBIAN_${R}_PACKAGE_DEPENDS "titip-tools (= ${PROJECT_VERSION}), adduser")
  set(CPACK_DEBIAN_${R}_PACKAGE_CONTROL_EXTRA
    "${dir}/postinst;${dir}/prerm;${dir}/postrm;${dir}/conffiles")
  set(CPACK_COMPONENT_${R}_DESCRIPTION "titip ${role} daemon (store-and-forward of attendance punches)")
endforeach()
install(TARGETS titipctl titip-termsim RUNTIME DESTINATION bin COMPONENT tools)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/bash-completion/titipctl
  DESTINATION share/bash-completion/completions COMPONENT tools)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION share/doc/titip COMPONENT tools)
install(DIRECTORY ${CMAKE_BINARY_DIR}/man/ DESTINATION share/man/man1 COMPONENT tools
  OPTIONAL FILES_MATCHING PATTERN "*.1")
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME titip-tools)
set(CPACK_DEBIAN_TOOLS_FILE_NAME DEB-DEFAULT)
set(CPACK_COMPONENT_TOOLS_DESCRIPTION "titip admin CLI (titipctl) and terminal simulator")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME titip)
set(CPACK_PACKAGE_VENDOR "Diskominfo Kabupaten Muaro Jambi")
set(CPACK_PACKAGE_CONTACT "Diskominfo Muaro Jambi <titip@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "titip: fingerprint punches carried to Sengeti, never lost")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tools ${TITIP_ROLES})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
include(CPack)
