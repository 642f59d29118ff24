# The Debian package (`make package`, docs/package.md): the v2v binary, the systemd unit template
# v2v-node@.service and the docs, built by CPack. Install prefix /usr (CPack's default for DEB).
# The binary is shipped stripped; its line tables (-g1) go to a v2vtrade-dbgsym .ddeb beside it.
include(GNUInstallDirs)

install(TARGETS v2v RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/v2v-node@.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# docs/*.md and docs/spec/*.md, listed when cpack installs (a new doc needs no reconfigure).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md" PATTERN adr EXCLUDE PATTERN figures EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/node.toml.example
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples RENAME node.toml)
if(EXISTS ${PROJECT_SOURCE_DIR}/LICENSE)
  install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME v2vtrade)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "v2vtrade developers")
set(CPACK_PACKAGE_CONTACT "v2vtrade developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Vehicle-to-vehicle electricity trading on a Clique blockchain: the v2v CLI and RSU node")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "v2vtrade developers")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # v2vtrade_<version>_<arch>.deb
# Runtime libraries (OpenSSL, libsodium, RocksDB, GLPK, ...) from dpkg-shlibdeps; the postinst
# needs adduser (or useradd, in passwd) for the system user.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser | passwd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS systemd)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/postinst ${PROJECT_SOURCE_DIR}/packaging/prerm
    ${PROJECT_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)  # maintainer scripts 0755
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
include(CPack)
