# Credentials through the chain with the container and instance-metadata providers, and a
# SigV4a signature verified with the derived public key. No service: the credentials come
# from the environment, and the instance metadata service is switched off.
cirrus_add_example(credentials_sigv4a credentials_sigv4a.cpp)

if(CIRRUS_BUILD_TESTS)
    add_test(NAME examples.credentials_sigv4a
        COMMAND sh -c "AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY AWS_EC2_METADATA_DISABLED=true exec \"$0\""
            $<TARGET_FILE:credentials_sigv4a>)
    set_tests_properties(examples.credentials_sigv4a PROPERTIES LABELS "examples;auth" TIMEOUT 60
        PASS_REGULAR_EXPRESSION "access key id AKIDEXAMPLE.*X-Amz-Region-Set: \\*.*AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/[0-9]+/s3/aws4_request.*public key x=b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1.*signature verifies: yes.*X-Amz-Region-Set=%2A")
endif()
