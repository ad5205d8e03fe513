// destination_options_selftest.cc - self-tests of the handler's MI_DestinationOptions store.
#include <cstring>

#include "test_client.h"

namespace miconform::handler::selftest {
namespace {

using DestinationOptions = HandlerTest;

TEST_F(DestinationOptions, StoresAnswersClonesAndDeletes) {
  MI_DestinationOptions options{};
  ASSERT_EQ(application_.ft->NewDestinationOptions(&application_, &options), MI_RESULT_OK);
  const MI_DestinationOptionsFT* ft = options.ft;
  EXPECT_EQ(ft->SetString(&options, "Locale", "en-US", 0), MI_RESULT_OK);
  EXPECT_EQ(ft->SetNumber(&options, "Port", 5985, 7), MI_RESULT_OK);

  const MI_Char* text = nullptr;
  MI_Uint32 index = 99, flags = 99, number = 0, count = 0;
  EXPECT_EQ(ft->GetString(&options, "Locale", &text, &index, &flags), MI_RESULT_OK);
  EXPECT_STREQ(text, "en-US");
  EXPECT_EQ(index, 0u);
  EXPECT_EQ(ft->GetNumber(&options, "Port", &number, &index, &flags), MI_RESULT_OK);
  EXPECT_EQ(number, 5985u);
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(flags, 7u);
  EXPECT_EQ(ft->GetString(&options, "Missing", &text, nullptr, nullptr), MI_RESULT_NOT_FOUND);
  EXPECT_EQ(ft->GetNumber(&options, "Locale", &number, nullptr, nullptr), MI_RESULT_TYPE_MISMATCH);
  EXPECT_EQ(ft->GetOptionCount(&options, &count), MI_RESULT_OK);
  EXPECT_EQ(count, 2u);

  alignas(16) unsigned char value[32] = {};
  const MI_Char* name = nullptr;
  MI_Type type = -1;
  EXPECT_EQ(ft->GetOptionAt(&options, 1, &name, reinterpret_cast<MI_Value*>(value), &type, &flags),
            MI_RESULT_OK);
  EXPECT_STREQ(name, "Port");
  MI_Uint32 stored = 0;
  std::memcpy(&stored, value, sizeof stored);
  EXPECT_EQ(stored, 5985u);
  EXPECT_EQ(ft->GetOptionAt(&options, 2, &name, nullptr, &type, &flags), MI_RESULT_NOT_FOUND);
  EXPECT_EQ(ft->GetOption(&options, "Locale", nullptr, &type, &index, &flags), MI_RESULT_OK);
  EXPECT_EQ(index, 0u);

  EXPECT_EQ(ft->SetString(&options, "Locale", "de-DE", 0), MI_RESULT_OK);  // replaces
  EXPECT_EQ(ft->GetOptionCount(&options, &count), MI_RESULT_OK);
  EXPECT_EQ(count, 2u);

  MI_DestinationOptions copy{};
  ASSERT_EQ(ft->Clone(&options, &copy), MI_RESULT_OK);
  EXPECT_EQ(ft->SetString(&options, "Locale", "fr-FR", 0), MI_RESULT_OK);
  EXPECT_EQ(copy.ft->GetString(&copy, "Locale", &text, nullptr, nullptr), MI_RESULT_OK);
  EXPECT_STREQ(text, "de-DE");  // the clone is independent

  alignas(16) unsigned char credentials[64] = {};
  EXPECT_EQ(ft->AddCredentials(&options, "Auth",
                               reinterpret_cast<const MI_UserCredentials*>(credentials), 0),
            MI_RESULT_OK);
  EXPECT_EQ(ft->GetCredentialsCount(&options, &count), MI_RESULT_OK);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(ft->GetCredentialsAt(&options, 0, &name, nullptr, &flags), MI_RESULT_NOT_SUPPORTED);
  EXPECT_EQ(ft->GetInterval(&options, "Timeout", nullptr, nullptr, nullptr), MI_RESULT_NOT_FOUND);

  ft->Delete(&options);
  EXPECT_EQ(options.ft, nullptr);
  EXPECT_EQ(ft->SetString(&options, "Locale", "x", 0), MI_RESULT_INVALID_PARAMETER);
  ft->Delete(&options);  // a second Delete of the zeroed handle is harmless
  copy.ft->Delete(&copy);
}

}  // namespace
}  // namespace miconform::handler::selftest
